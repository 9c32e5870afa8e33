/*
 * The count of one point for one floating type, included by mandelbrot.h
 * once per type with these defined: PF_MB_T (the float type), PF_MB_SUFFIX
 * (f64 or f32: pf_mandelbrot_point_<suffix>, and mandelbrot_traps.h's
 * pf_mb_cycle_trapped_<suffix>), PF_MB_SQRT (sqrt or sqrtf) and PF_MB_U (the
 * unit roundoff).  Undefined again at the end.
 */
static inline int64_t PF_CAT(pf_mandelbrot_point, PF_MB_SUFFIX)(PF_MB_T cr, PF_MB_T ci,
                                                                  int64_t maxiter)
{
    if (maxiter < 2)
        return maxiter < 1 ? 0 : 1;
    if (cr != cr || ci != ci)
        return maxiter;
    PF_MB_T zr = (PF_MB_T)0 + cr, zi = (PF_MB_T)0 + ci; /* z_1 */
    int card, bulb;
    PF_MB_CLASSIC(card, bulb, PF_MB_T, PF_MB_T, cr, ci);
    int64_t check = (card || bulb) && maxiter >= PF_MB_TRAP_MIN_MAXITER
                        ? PF_MB_FIRST_CHECK : -1;
    int64_t ccheck = maxiter >= PF_MB_CYCLE_MIN_MAXITER ? PF_MB_CYCLE_FIRST : -1;
    for (int64_t k = 1;; k++) {
        const PF_MB_T rr = zr * zr, ii = zi * zi, ri = zr * zi;
        if (!(rr + ii < 4))
            return k;
        if (k == maxiter - 1)
            return maxiter;
        if ((k & (PF_MANDELBROT_POLL_STEPS - 1)) == 0 && pf_interrupted())
            return -1;
        zr = rr - ii + cr;
        zi = ri + ri + ci;
        if (__builtin_expect(k == check, 0)) { /* z_{k+1} trapped? */
            int trapped = 0;
            PF_MB_STEP_AHEAD(PF_MB_T, PF_MB_T, PF_MB_U, zr, zi, cr, ci)
            if (card)
                PF_MB_TRAPPED_CARDIOID(trapped, PF_MB_T, PF_MB_T, PF_MB_SQRT, zr, zi)
            else
                PF_MB_TRAPPED_BULB(trapped, PF_MB_T, PF_MB_T, PF_MB_SQRT, zr, zi, cr, ci)
            if (trapped)
                return maxiter;
            check = pf_mb_next_check(k);
        }
        if (__builtin_expect(k == ccheck, 0)) { /* (f) */
            if (PF_CAT(pf_mb_cycle_trapped, PF_MB_SUFFIX)(zr, zi, cr, ci))
                return maxiter;
            ccheck = pf_mb_next_check(k);
            if (ccheck >= 0 && maxiter - 1 - ccheck < k)
                ccheck = -1; /* it could save fewer than k steps */
        }
    }
}

#undef PF_MB_T
#undef PF_MB_SUFFIX
#undef PF_MB_SQRT
#undef PF_MB_U
