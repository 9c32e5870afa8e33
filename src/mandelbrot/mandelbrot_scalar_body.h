/*
 * The scalar level's Mandelbrot kernels for one floating type, included by
 * mandelbrot_scalar.c once per type with these defined: PF_MB_T (the float
 * type), PF_MB_SUFFIX (f32 or f64: mandelbrot.h's pf_mandelbrot_point_<suffix>
 * and pf_mb_fill_<suffix>, the grid kernel pf_mandelbrot_grid_<suffix>_scalar)
 * and PF_MB_CSUFFIX (c64 or c128: pf_mandelbrot_<csuffix>_scalar).
 * Undefined again at the end.
 */
#define PF_MB_FN(base) PF_CAT(base, PF_MB_SUFFIX)

PF_KERNEL(PF_CAT(PF_CAT(pf_mandelbrot, PF_MB_CSUFFIX), scalar))
{
    (void)core_dims;
    (void)hints;
    const intptr_t cs = steps[0], ms = steps[1], os = steps[2];
    pf_fpflags saved;
    pf_fpflags_save(&saved);
    for (intptr_t i = 0; i < n; i++) {
        const PF_MB_T *c = (const PF_MB_T *)(args[0] + i * cs);
        const int64_t maxiter = *(const int64_t *)(args[1] + i * ms);
        const int64_t count = PF_MB_FN(pf_mandelbrot_point)(c[0], c[1], maxiter);
        if (count < 0)
            break; /* interrupted: the rest is left as it was */
        *(int64_t *)(args[2] + i * os) = count;
    }
    pf_fpflags_restore(&saved);
}

/* mandelbrot_grid and make_fractal's _mandelbrot_grid_shifted: the points
 * of each run of rows a chunk at a time (mandelbrot.h). */
static void PF_MB_FN(pf_mb_grid)(char *const *args, intptr_t n, const intptr_t *core_dims,
                                 const intptr_t *steps, int shifted)
{
    PF_MB_T re[PF_MB_CHUNK], im[PF_MB_CHUNK];
    pf_fpflags saved;
    pf_fpflags_save(&saved);
    for (intptr_t item = 0; item < n; item++) {
        pf_mb_grid grid;
        pf_mb_grid_args(args, steps, core_dims, item, shifted, &grid);
        char *out;
        while (pf_mb_grid_next_run(&grid, &out)) {
            intptr_t m;
            while ((m = PF_MB_FN(pf_mb_fill)(&grid.rows, re, im)) > 0) {
                for (intptr_t i = 0; i < m; i++) {
                    const int64_t k = PF_MB_FN(pf_mandelbrot_point)(re[i], im[i], grid.maxiter);
                    if (k < 0)
                        goto done; /* interrupted: the rest is left as it was */
                    const int64_t count = k - grid.shift;
                    *(int64_t *)(out + i * grid.ocs) = count > 0 ? count : 0;
                }
                out += m * grid.ocs;
            }
        }
    }
done:
    pf_fpflags_restore(&saved);
}

PF_KERNEL(PF_CAT(PF_MB_FN(pf_mandelbrot_grid), scalar))
{
    (void)hints;
    PF_MB_FN(pf_mb_grid)(args, n, core_dims, steps, 0);
}

#undef PF_MB_FN
#undef PF_MB_T
#undef PF_MB_SUFFIX
#undef PF_MB_CSUFFIX
