/*
 * The vectorized skip over the below-threshold background for one floating
 * type, included by bumps_simd.c (compiled once per SIMD level) once per type
 * with PF_BUMPS_T and PF_BUMPS_SUFFIX (f32 or f64) defined: skip_simd_<suffix>,
 * with the contract of bumps_scan_body.h's skip_scalar_<suffix>: the first
 * index j in [i, len) with x[j] >= threshold, or len.  The level's operations
 * are bumps_simd.c's <OP>_<suffix> macros.  Leaves PF_BUMPS_T and
 * PF_BUMPS_SUFFIX defined, for bumps_scan_body.h.
 */
#define PF_BUMPS_OP(op) PF_CAT(op, PF_BUMPS_SUFFIX)

#if defined(PF_BUILD_NEON)
/* NEON's ordered compares (FCMGE) raise "invalid" on a NaN, so x >= t is
 * tested quietly as max(x, t) == x: FMAXNM returns t when x is a quiet NaN,
 * and FCMEQ of t with NaN is false without a flag; +-0 and infinities compare
 * as >= does.  A NaN threshold (nothing is >= it) would make FMAXNM return x:
 * no item is found then.  A group of four vectors with a hit is resolved by
 * the scalar loop below. */
static inline intptr_t PF_BUMPS_OP(skip_simd)(const PF_BUMPS_T *x, intptr_t i, intptr_t len,
                                              PF_BUMPS_T threshold)
{
    enum { lanes = PF_VBYTES / sizeof(PF_BUMPS_T) };
    if (threshold != threshold)
        return len;
    const PF_BUMPS_OP(V) t = PF_BUMPS_OP(DUP)(threshold);
    for (; i + 4 * lanes <= len; i += 4 * lanes) {
        const PF_BUMPS_OP(V) a = PF_BUMPS_OP(LD)(x + i), b = PF_BUMPS_OP(LD)(x + i + lanes);
        const PF_BUMPS_OP(V) c = PF_BUMPS_OP(LD)(x + i + 2 * lanes);
        const PF_BUMPS_OP(V) d = PF_BUMPS_OP(LD)(x + i + 3 * lanes);
        if (PF_BUMPS_OP(ANY)(PF_BUMPS_OP(ORR)(
                PF_BUMPS_OP(ORR)(PF_BUMPS_OP(CEQ)(PF_BUMPS_OP(MAXNM)(a, t), a),
                                 PF_BUMPS_OP(CEQ)(PF_BUMPS_OP(MAXNM)(b, t), b)),
                PF_BUMPS_OP(ORR)(PF_BUMPS_OP(CEQ)(PF_BUMPS_OP(MAXNM)(c, t), c),
                                 PF_BUMPS_OP(CEQ)(PF_BUMPS_OP(MAXNM)(d, t), d)))) != 0)
            break;
    }
    while (i < len && !isgreaterequal(x[i], threshold))
        i++;
    return i;
}
#else
static inline intptr_t PF_BUMPS_OP(skip_simd)(const PF_BUMPS_T *x, intptr_t i, intptr_t len,
                                              PF_BUMPS_T threshold)
{
    enum { lanes = PF_VBYTES / sizeof(PF_BUMPS_T) };
    const PF_BUMPS_OP(V) t = PF_BUMPS_OP(SET1)(threshold);
    for (; i + 4 * lanes <= len; i += 4 * lanes) {
        const uint64_t mask = (uint64_t)PF_BUMPS_OP(GE_MASK)(x + i, t) |
                              (uint64_t)PF_BUMPS_OP(GE_MASK)(x + i + lanes, t) << lanes |
                              (uint64_t)PF_BUMPS_OP(GE_MASK)(x + i + 2 * lanes, t) << 2 * lanes |
                              (uint64_t)PF_BUMPS_OP(GE_MASK)(x + i + 3 * lanes, t) << 3 * lanes;
        if (mask != 0)
            return i + __builtin_ctzll(mask);
    }
    while (i < len && !isgreaterequal(x[i], threshold))
        i++;
    return i;
}
#endif

#undef PF_BUMPS_OP
