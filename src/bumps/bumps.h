/*
 * The bump finder: the lecture notebook's `pv_locations` scan.
 *
 * A bump is a maximal run of targets[i] >= threshold.  A NaN neither extends
 * nor ends a run (both of the notebook's comparisons are false for it), and a
 * run still open at the last element is closed there.  A run is kept when its
 * length is >= min_width and its sum is >= integral_threshold; its location is
 * sum(i * targets[i]) / sum(targets[i]) over the run, i counted from the start
 * of the row.  Sums are accumulated in double, in index order; the thresholds
 * arrive already in the dtype of the targets, and the integral is compared
 * with (double)integral_threshold.
 *
 * pf_bumps_scan_f32/_f64_<level> are the one implementation of the scan
 * (bumps_scan_body.h, compiled once per SIMD level): the gufunc kernels and the
 * ragged entry point (bumps_glue.c) both call them.
 */
#ifndef POLYFAST_BUMPS_H
#define POLYFAST_BUMPS_H

#include <stdint.h>

#include "runtime/kernel_api.h"
#include "runtime/simd_levels.h"

/*
 * Scans one row of `len` items `stride` bytes apart.  Writes the location of
 * the first min(count, cap) kept bumps to out, out + out_stride, ... (out may
 * be NULL when cap is 0, to count only) and returns count, the number of kept
 * bumps in the row.  A row of length len holds at most (len + 1) / 2 bumps.
 */
typedef intptr_t (*pf_bumps_scan_f32_fn)(const char *row, intptr_t len, intptr_t stride,
                                         float threshold, float integral_threshold,
                                         int64_t min_width, char *out, intptr_t out_stride,
                                         intptr_t cap);
typedef intptr_t (*pf_bumps_scan_f64_fn)(const char *row, intptr_t len, intptr_t stride,
                                         double threshold, double integral_threshold,
                                         int64_t min_width, char *out, intptr_t out_stride,
                                         intptr_t cap);

/* The most bumps a row of n items can hold: runs need a gap between them. */
static inline intptr_t pf_bumps_max_count(intptr_t n) { return n / 2 + n % 2; }

/* The scan at every SIMD level (bumps_scalar.c, bumps_simd.c).  The levels
 * differ only in the skip over below-threshold items, so they give identical
 * results. */
#define PF_DECLARE_BUMPS_SCANS(level)                                        \
    intptr_t pf_bumps_scan_f32_##level(const char *row, intptr_t len, intptr_t stride, \
                                       float threshold, float integral_threshold, \
                                       int64_t min_width, char *out, intptr_t out_stride, \
                                       intptr_t cap);                        \
    intptr_t pf_bumps_scan_f64_##level(const char *row, intptr_t len, intptr_t stride, \
                                       double threshold, double integral_threshold, \
                                       int64_t min_width, char *out, intptr_t out_stride, \
                                       intptr_t cap);
PF_FOR_EACH_SIMD_LEVEL(PF_DECLARE_BUMPS_SCANS)

/*
 * The gufunc find_bumps (n),(),(),()->(m),() with m = (n + 1) / 2 (its kernels
 * pf_find_bumps_f32/_f64_<level> are declared by the generated table):
 * args = (targets, threshold, integral_threshold, min_width, locations, count);
 * steps = 6 outer strides, then the core strides of targets and locations.
 * Locations past the count are NaN.
 */

#endif
