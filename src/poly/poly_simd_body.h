/*
 * The polynomial kernels of one vector level for one floating type, included
 * by poly_simd.c once per type with these defined: PF_POLY_T (the float type),
 * PF_POLY_V (its vector type's name), PF_POLY_SUFFIX (f64 or f32: the
 * kernels' names, pf_poly8_<suffix>_<level> and pf_polyval_<suffix>_<level>,
 * and poly.h's pf_poly8_<suffix>) and PF_POLY_STREAM (the level's
 * non-temporal store).  Undefined again at the end.
 */
#define PF_POLY_FN(base) PF_CAT(base, PF_POLY_SUFFIX)

typedef PF_POLY_T PF_POLY_V __attribute__((vector_size(PF_VBYTES)));

/* Unaligned vector access without breaking strict aliasing: compiles to one
 * unaligned load/store. */
static inline PF_POLY_V PF_CAT(load, PF_POLY_V)(const PF_POLY_T *p)
{
    PF_POLY_V v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void PF_CAT(store, PF_POLY_V)(PF_POLY_T *p, PF_POLY_V v)
{
    memcpy(p, &v, sizeof v);
}

/* Every lane set to `value`, signed zeros and NaN payloads included (0 + value
 * would turn -0.0 into +0.0). */
static inline PF_POLY_V PF_CAT(broadcast, PF_POLY_V)(PF_POLY_T value)
{
    PF_POLY_V v;
    for (unsigned i = 0; i < sizeof v / sizeof value; i++)
        v[i] = value;
    return v;
}

/*
 * Contiguous poly8.  With PF_HINT_STREAM the head is computed scalar until the
 * destination is vector-aligned, as the non-temporal stores require.
 */
static void PF_POLY_FN(poly8_contig)(const PF_POLY_T *x, PF_POLY_T *y, intptr_t n,
                                      int use_stream)
{
    enum { lanes = PF_VBYTES / sizeof(PF_POLY_T) };
    intptr_t i = 0;
    if (use_stream) {
        for (; i < n && ((uintptr_t)(y + i) % PF_VBYTES) != 0; i++)
            y[i] = PF_POLY_FN(pf_poly8)(x[i]);
    }
    for (; i + lanes <= n; i += lanes) {
        const PF_POLY_V v = PF_CAT(load, PF_POLY_V)(x + i);
        const PF_POLY_V p = PF_POLY8_REAL(v);
        if (use_stream)
            PF_POLY_STREAM(y + i, p);
        else
            PF_CAT(store, PF_POLY_V)(y + i, p);
    }
    for (; i < n; i++) y[i] = PF_POLY_FN(pf_poly8)(x[i]);
    if (use_stream) PF_STREAM_FENCE();
}

PF_KERNEL(PF_NAME(PF_POLY_FN(pf_poly8)))
{
    (void)core_dims;
    const intptr_t is = steps[0], os = steps[1];
    if (is == sizeof(PF_POLY_T) && os == sizeof(PF_POLY_T)) {
        PF_POLY_FN(poly8_contig)((const PF_POLY_T *)args[0], (PF_POLY_T *)args[1], n,
                                 (hints & PF_HINT_STREAM) != 0);
        return;
    }
    for (intptr_t i = 0; i < n; i++)
        *(PF_POLY_T *)(args[1] + i * os) =
            PF_POLY_FN(pf_poly8)(*(const PF_POLY_T *)(args[0] + i * is));
}

/*
 * polyval with one coefficient vector shared by contiguous x and out (the
 * common broadcast case) runs lanes over x; anything else takes the scalar
 * path, which evaluates the same sequence.
 */
PF_KERNEL(PF_NAME(PF_POLY_FN(pf_polyval)))
{
    (void)hints;
    enum { lanes = PF_VBYTES / sizeof(PF_POLY_T) };
    const intptr_t ncoef = core_dims[0];
    const intptr_t xs = steps[0], cs = steps[1], os = steps[2];
    const intptr_t ccore = steps[3];
    intptr_t i = 0;
    if (n > 0 && cs == 0 && xs == sizeof(PF_POLY_T) && os == sizeof(PF_POLY_T) && ncoef > 0) {
        const PF_POLY_T *x = (const PF_POLY_T *)args[0];
        PF_POLY_T *y = (PF_POLY_T *)args[2];
        const char *c = args[1];
        const PF_POLY_T top = *(const PF_POLY_T *)(c + (ncoef - 1) * ccore);
        for (; i + lanes <= n; i += lanes) {
            const PF_POLY_V v = PF_CAT(load, PF_POLY_V)(x + i);
            PF_POLY_V p = PF_CAT(broadcast, PF_POLY_V)(top);
            for (intptr_t k = ncoef - 2; k >= 0; k--)
                p = *(const PF_POLY_T *)(c + k * ccore) + p * v;
            PF_CAT(store, PF_POLY_V)(y + i, p);
        }
    }
    for (; i < n; i++) {
        const PF_POLY_T x = *(const PF_POLY_T *)(args[0] + i * xs);
        const char *c = args[1] + i * cs;
        PF_POLY_T result;
        PF_POLYVAL_HORNER(PF_POLY_T, x, c, ccore, ncoef, result);
        *(PF_POLY_T *)(args[2] + i * os) = result;
    }
}

#undef PF_POLY_FN
#undef PF_POLY_T
#undef PF_POLY_V
#undef PF_POLY_SUFFIX
#undef PF_POLY_STREAM
