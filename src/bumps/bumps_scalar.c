/* The bump scan at the baseline level: every step scalar.  The scan and
 * kernel of one type are in bumps_scan_body.h, included here once per type. */
#include <math.h>

#include "bumps/bumps.h"
#include "runtime/simd_levels.h"

#define PF_LEVEL scalar

#define PF_BUMPS_T float
#define PF_BUMPS_SUFFIX f32
#include "bumps/bumps_scan_body.h"

#define PF_BUMPS_T double
#define PF_BUMPS_SUFFIX f64
#include "bumps/bumps_scan_body.h"
