/* The sampler's vectorisable loops at the baseline level (mcmc_block.h). */
#include "runtime/simd_levels.h"

#define PF_LEVEL scalar
#include "mcmc/mcmc_block.h"
