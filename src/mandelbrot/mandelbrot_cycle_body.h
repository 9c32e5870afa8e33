/*
 * The cycle check of one point for one floating type (mandelbrot_traps.h says
 * why it is exact; the vector levels have their own, mandelbrot_simd_traps.h),
 * included by mandelbrot_traps.h once per type with these defined: PF_MB_T
 * (the float type), PF_MB_SUFFIX (f64 or f32: pf_mb_cycle_trapped_<suffix>),
 * PF_MB_SQRT (sqrt or sqrtf), PF_MB_U (the unit roundoff), PF_MB_CYCLE_FLOOR
 * and PF_MB_CYCLE_NEAR.  Undefined again at the end.
 */
/* Nonzero when the float orbit of w = (zr, zi) for c = (cr, ci) provably
 * never escapes by the cycle check. */
static inline int PF_CAT(pf_mb_cycle_trapped, PF_MB_SUFFIX)(PF_MB_T zr, PF_MB_T zi, PF_MB_T cr,
                                                               PF_MB_T ci)
{
    const PF_MB_T u = (PF_MB_U), eps = 32 * (PF_MB_U);
    PF_MB_T wr = zr, wi = zi, sr = 1, si = 0, er = 0, ei = 0, gr = 0, gi = 0;
    int p = 0;
    for (int i = 1; i <= PF_MB_CYCLE_P; i++) {
        const PF_MB_T rr = wr * wr, ii = wi * wi, ri = wr * wi;
        const PF_MB_T tr = (wr * sr - wi * si) * 2;
        si = (wr * si + wi * sr) * 2;
        sr = tr;
        wr = rr - ii + cr;
        wi = ri + ri + ci;
        const PF_MB_T dr = wr - zr, di = wi - zi, d2 = dr * dr + di * di;
        if (d2 < (PF_MB_CYCLE_NEAR)) {
            p = i;
            er = dr;
            ei = di;
            gr = sr;
            gi = si;
            break;
        }
    }
    if (p == 0)
        return 0;
    const PF_MB_T qr = 1 - gr, qi = -gi, q2 = qr * qr + qi * qi;
    const PF_MB_T ar = zr + (er * qr + ei * qi) / q2;
    const PF_MB_T ai = zi + (ei * qr - er * qi) / q2;
    const PF_MB_T xr = zr - ar, xi = zi - ai;
    const PF_MB_T r0 = PF_MB_SQRT((xr * xr + xi * xi) * (1 + 16 * u)) * (PF_MB_T)1.25 + (PF_MB_CYCLE_FLOOR);
    PF_MB_T r = r0;
    wr = ar;
    wi = ai;
    for (int i = 1; i <= p; i++) {
        const PF_MB_T rr = wr * wr, ii = wi * wi, ri = wr * wi;
        const PF_MB_T a = PF_MB_SQRT(rr + ii) * (2 * (1 + 8 * u)); /* >= 2|w| */
        if (!((a * (PF_MB_T)0.5 + r) * (1 + 4 * u) <= (PF_MB_T)1.9))
            return 0;
        r = (r * (a + r) + 2 * eps) * (1 + 8 * u);
        wr = rr - ii + cr;
        wi = ri + ri + ci;
    }
    const PF_MB_T dr = wr - ar, di = wi - ai;
    const PF_MB_T d2 = (dr * dr + di * di) * (1 + 16 * u);
    const PF_MB_T t = (r0 - r) * (1 - 4 * u);
    return t > 0 && d2 <= t * t * (1 - 8 * u);
}

#undef PF_MB_T
#undef PF_MB_SUFFIX
#undef PF_MB_SQRT
#undef PF_MB_U
#undef PF_MB_CYCLE_FLOOR
#undef PF_MB_CYCLE_NEAR
