/*
 * The polynomial kernels of the scalar level for one floating type, included
 * by poly_scalar.c once per type with these defined: PF_POLY_T (the float
 * type), PF_POLY_SUFFIX (f32 or f64: pf_poly8_<suffix>_scalar,
 * pf_polyval_<suffix>_scalar and poly.h's pf_poly8_<suffix>) and
 * PF_POLY_CSUFFIX (c64 or c128: pf_poly8_<csuffix>_scalar, the complex type
 * of PF_POLY_T parts).  Undefined again at the end.
 */
#define PF_POLY_FN(base) PF_CAT(base, PF_POLY_SUFFIX)

PF_KERNEL(PF_CAT(PF_POLY_FN(pf_poly8), scalar))
{
    (void)core_dims;
    (void)hints;
    const char *in = args[0];
    char *out = args[1];
    const intptr_t is = steps[0], os = steps[1];
    if (is == sizeof(PF_POLY_T) && os == sizeof(PF_POLY_T)) {
        const PF_POLY_T *x = (const PF_POLY_T *)in;
        PF_POLY_T *y = (PF_POLY_T *)out;
        for (intptr_t i = 0; i < n; i++) y[i] = PF_POLY_FN(pf_poly8)(x[i]);
        return;
    }
    for (intptr_t i = 0; i < n; i++)
        *(PF_POLY_T *)(out + i * os) = PF_POLY_FN(pf_poly8)(*(const PF_POLY_T *)(in + i * is));
}

PF_KERNEL(PF_CAT(PF_CAT(pf_poly8, PF_POLY_CSUFFIX), scalar))
{
    (void)core_dims;
    (void)hints;
    const intptr_t is = steps[0], os = steps[1];
    for (intptr_t i = 0; i < n; i++) {
        const PF_POLY_T *z = (const PF_POLY_T *)(args[0] + i * is);
        const PF_POLY_T zr = z[0], zi = z[1];
        PF_POLY_T yr, yi;
        PF_POLY8_COMPLEX(PF_POLY_T, zr, zi, yr, yi);
        PF_POLY_T *y = (PF_POLY_T *)(args[1] + i * os);
        y[0] = yr;
        y[1] = yi;
    }
}

/* polyval: args = (x, c, out); steps = (x, c, out outer strides, c core stride). */
PF_KERNEL(PF_CAT(PF_POLY_FN(pf_polyval), scalar))
{
    (void)hints;
    const intptr_t ncoef = core_dims[0];
    const intptr_t xs = steps[0], cs = steps[1], os = steps[2];
    const intptr_t ccore = steps[3];
    for (intptr_t i = 0; i < n; i++) {
        const PF_POLY_T x = *(const PF_POLY_T *)(args[0] + i * xs);
        const char *c = args[1] + i * cs;
        PF_POLY_T result;
        PF_POLYVAL_HORNER(PF_POLY_T, x, c, ccore, ncoef, result);
        *(PF_POLY_T *)(args[2] + i * os) = result;
    }
}

#undef PF_POLY_FN
#undef PF_POLY_T
#undef PF_POLY_SUFFIX
#undef PF_POLY_CSUFFIX
