/*
 * The bump scan and the find_bumps kernel of one level for one floating type,
 * included by bumps_scalar.c and bumps_simd.c (compiled once per SIMD level)
 * once per type with these defined: PF_BUMPS_T (the float type),
 * PF_BUMPS_SUFFIX (f32 or f64: pf_bumps_scan_<suffix>_<level>,
 * pf_find_bumps_<suffix>_<level>) and, where the level has a vectorized skip
 * over the below-threshold background, PF_BUMPS_SKIP (a static function with
 * the contract of skip_scalar_<suffix> below; the scalar one otherwise).  The
 * includer defines PF_LEVEL.  The scan inside a run is the same scalar code at
 * every level, so every level finds the same bumps with the same bits.
 * Undefined again at the end.
 */
#define PF_BUMPS_FN(base) PF_CAT(base, PF_BUMPS_SUFFIX)

/* The first index j in [i, len) with x[j] >= threshold, or len.
 * isgreaterequal is the quiet comparison: a NaN raises no "invalid" flag
 * (NumPy would turn it into a RuntimeWarning).  Eight items per branch: the
 * comparisons are combined without branching, so the background costs one
 * branch per eight items instead of one per item. */
static inline intptr_t PF_BUMPS_FN(skip_scalar)(const PF_BUMPS_T *x, intptr_t i, intptr_t len,
                                                PF_BUMPS_T threshold)
{
    for (; i + 8 <= len; i += 8) {
        const int any = isgreaterequal(x[i], threshold) |
                        isgreaterequal(x[i + 1], threshold) |
                        isgreaterequal(x[i + 2], threshold) |
                        isgreaterequal(x[i + 3], threshold) |
                        isgreaterequal(x[i + 4], threshold) |
                        isgreaterequal(x[i + 5], threshold) |
                        isgreaterequal(x[i + 6], threshold) |
                        isgreaterequal(x[i + 7], threshold);
        if (any)
            break;
    }
    while (i < len && !isgreaterequal(x[i], threshold))
        i++;
    return i;
}
#ifndef PF_BUMPS_SKIP
#define PF_BUMPS_SKIP PF_BUMPS_FN(skip_scalar)
#endif

/*
 * The notebook's loop, restructured but equivalent:
 *
 *     for i in range(len(targets)):
 *         if targets[i] >= threshold: extend the run
 *         if (targets[i] < threshold or i == len(targets)-1) and state > 0: close it
 *
 * Outside a run only targets[i] >= threshold matters, so that is a skip loop
 * (vectorized where the level allows, for contiguous rows).
 * Inside a run, >= extends, < ends, NaN does neither; the end of the row closes
 * it.  isgreaterequal/isless are the quiet comparisons (no "invalid" flag).
 * always_inline with a constant stride gives the contiguous case a loop of its
 * own.
 */
static PF_ALWAYS_INLINE intptr_t PF_BUMPS_FN(scan_impl)(
    const char *row, intptr_t len, intptr_t stride, PF_BUMPS_T threshold,
    double integral_threshold, int64_t min_width, char *out,
    intptr_t out_stride, intptr_t cap)
{
    const PF_BUMPS_T *row_t = (const PF_BUMPS_T *)row;
    intptr_t count = 0;
    intptr_t i = 0;
    for (;;) {
        if (stride == (intptr_t)sizeof(PF_BUMPS_T))
            i = PF_BUMPS_SKIP(row_t, i, len, threshold);
        else
            while (i < len && !isgreaterequal(*(const PF_BUMPS_T *)(row + i * stride), threshold))
                i++;
        if (i >= len)
            break;
        int64_t width = 0;
        double integral = 0.0, weighted = 0.0;
        for (; i < len; i++) {
            const PF_BUMPS_T x = *(const PF_BUMPS_T *)(row + i * stride);
            if (isgreaterequal(x, threshold)) {
                width++;
                integral += (double)x;
                weighted += (double)i * (double)x;
            } else if (isless(x, threshold)) {
                break;
            }
        }
        if (width >= min_width && integral >= integral_threshold) {
            if (count < cap)
                *(PF_BUMPS_T *)(out + count * out_stride) = (PF_BUMPS_T)(weighted / integral);
            count++;
        }
        i++; /* targets[i] < threshold (or i == len): not in a run */
    }
    return count;
}

intptr_t PF_NAME(PF_BUMPS_FN(pf_bumps_scan))(const char *row, intptr_t len, intptr_t stride,
                                              PF_BUMPS_T threshold,
                                              PF_BUMPS_T integral_threshold, int64_t min_width,
                                              char *out, intptr_t out_stride, intptr_t cap)
{
    if (stride == (intptr_t)sizeof(PF_BUMPS_T))
        return PF_BUMPS_FN(scan_impl)(row, len, (intptr_t)sizeof(PF_BUMPS_T), threshold,
                                      (double)integral_threshold, min_width, out, out_stride,
                                      cap);
    return PF_BUMPS_FN(scan_impl)(row, len, stride, threshold, (double)integral_threshold,
                                  min_width, out, out_stride, cap);
}

PF_KERNEL(PF_NAME(PF_BUMPS_FN(pf_find_bumps)))
{
    (void)hints;
    const intptr_t len = core_dims[0], m = core_dims[1];
    const intptr_t core_in = steps[6], core_out = steps[7];
    for (intptr_t k = 0; k < n; k++) {
        const char *row = args[0] + k * steps[0];
        const PF_BUMPS_T threshold = *(const PF_BUMPS_T *)(args[1] + k * steps[1]);
        const PF_BUMPS_T integral_threshold = *(const PF_BUMPS_T *)(args[2] + k * steps[2]);
        const int64_t min_width = *(const int64_t *)(args[3] + k * steps[3]);
        char *locations = args[4] + k * steps[4];
        const intptr_t count = PF_NAME(PF_BUMPS_FN(pf_bumps_scan))(
            row, len, core_in, threshold, integral_threshold, min_width, locations, core_out, m);
        for (intptr_t j = count; j < m; j++)
            *(PF_BUMPS_T *)(locations + j * core_out) = (PF_BUMPS_T)NAN;
        *(int64_t *)(args[5] + k * steps[5]) = (int64_t)count;
    }
}

#undef PF_BUMPS_FN
#undef PF_BUMPS_T
#undef PF_BUMPS_SUFFIX
#undef PF_BUMPS_SKIP
