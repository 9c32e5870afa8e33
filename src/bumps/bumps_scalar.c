/* The bump scan at the baseline level: every step scalar. */
#include "runtime/simd_levels.h"

#define PF_LEVEL scalar
#include "bumps/bumps_scan.h"
