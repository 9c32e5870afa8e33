/*
 * mandelbrot_grid's points for one floating type, included by
 * mandelbrot_grid.c once per type with PF_MB_T (the float type) and
 * PF_MB_SUFFIX (f64 or f32: pf_mb_fill_<suffix>, mandelbrot.h) defined.
 * Undefined again at the end.
 */
/* Fills re[0 ...] and im[0 ...] with the next points, x[j] + 1j*y[i] as NumPy
 * computes it, across row ends up to rows->r1. */
intptr_t PF_CAT(pf_mb_fill, PF_MB_SUFFIX)(pf_mb_rows *rows, PF_MB_T *restrict re_out,
                                          PF_MB_T *restrict im_out)
{
    intptr_t filled = 0;
    if (pf_interrupted())
        return 0; /* the run ends: the rows left are not written */
    while (filled < PF_MB_CHUNK && rows->row < rows->r1) {
        const PF_MB_T y = *(const PF_MB_T *)(rows->y + rows->row * rows->ys);
        const PF_MB_T re = (PF_MB_T)0 * y - (PF_MB_T)0, im = (PF_MB_T)0 + y; /* 1j*y */
        intptr_t take = rows->nx - rows->col;
        if (take > PF_MB_CHUNK - filled)
            take = PF_MB_CHUNK - filled;
        PF_MB_T *restrict cre = re_out + filled, *restrict cim = im_out + filled;
        const char *x = rows->x + rows->col * rows->xs;
        if (rows->xs == (intptr_t)sizeof(PF_MB_T)) {
            const PF_MB_T *restrict xv = (const PF_MB_T *)x;
            for (intptr_t j = 0; j < take; j++)
                cre[j] = xv[j] + re;
        } else {
            for (intptr_t j = 0; j < take; j++)
                cre[j] = *(const PF_MB_T *)(x + j * rows->xs) + re;
        }
        for (intptr_t j = 0; j < take; j++)
            cim[j] = im;
        filled += take;
        rows->col += take;
        if (rows->col == rows->nx) {
            rows->col = 0;
            rows->row++;
        }
    }
    return filled;
}

#undef PF_MB_T
#undef PF_MB_SUFFIX
