/*
 * The norm_pdf kernel for one floating type, included by norm_pdf_scalar.c
 * once per type with PF_NORM_PDF_T (the float type) and PF_NORM_PDF_SUFFIX
 * (f32 or f64: pf_norm_pdf_<suffix>_scalar) defined.  Undefined again at the
 * end.
 */
PF_KERNEL(PF_CAT(PF_CAT(pf_norm_pdf, PF_NORM_PDF_SUFFIX), scalar))
{
    (void)core_dims;
    (void)hints;
    const intptr_t s0 = steps[0], s1 = steps[1], s2 = steps[2];
    const intptr_t so = steps[3];
    if (n > 0 && s0 == 0 && s1 == 0 && s2 == sizeof(PF_NORM_PDF_T) &&
        so == sizeof(PF_NORM_PDF_T)) {
        /* scalar loc and scale, contiguous x (read first: n > 0) */
        const double loc = *(const PF_NORM_PDF_T *)args[0];
        const double scale = *(const PF_NORM_PDF_T *)args[1];
        const PF_NORM_PDF_T *x = (const PF_NORM_PDF_T *)args[2];
        PF_NORM_PDF_T *out = (PF_NORM_PDF_T *)args[3];
        for (intptr_t i = 0; i < n; i++)
            out[i] = (PF_NORM_PDF_T)pf_norm_pdf_f64(loc, scale, (double)x[i]);
        return;
    }
    for (intptr_t i = 0; i < n; i++) {
        const double loc = *(const PF_NORM_PDF_T *)(args[0] + i * s0);
        const double scale = *(const PF_NORM_PDF_T *)(args[1] + i * s1);
        const double x = *(const PF_NORM_PDF_T *)(args[2] + i * s2);
        *(PF_NORM_PDF_T *)(args[3] + i * so) = (PF_NORM_PDF_T)pf_norm_pdf_f64(loc, scale, x);
    }
}

#undef PF_NORM_PDF_T
#undef PF_NORM_PDF_SUFFIX
