/* The sampler's vectorisable loops at each vector level (mcmc_block.h):
 * the same source, compiled with the level's instruction-set flags. */
#include "runtime/simd_target.h"

#include "mcmc/mcmc_block.h"
