/* The bump scan at the baseline level: every step scalar. */
#define PF_LEVEL scalar
#include "kernels/bumps_scan.h"
