/*
 * The trap checks of one vector level for one floating type
 * (mandelbrot_traps.h says why they are exact), part of
 * mandelbrot_simd_body.h and included by it.
 */
/* The lanes of `live` whose float orbit from z = (zr, zi) provably never
 * escapes by the cycle check of mandelbrot_traps.h, all lanes at once: the
 * scalar pf_mb_cycle_trapped_* (mandelbrot_cycle_body.h) with each lane's own p (the same
 * operations, so the same lanes are caught). */
__attribute__((noinline)) static unsigned PF_MB_FN(pf_mb_cycle)(PF_MB_V zr, PF_MB_V zi,
                                                               PF_MB_V cr, PF_MB_V ci,
                                                               unsigned live)
{
    const PF_MB_T u = PF_MB_U, eps = 32 * PF_MB_U;
    const PF_MB_IV onei = (PF_MB_IV){0} + 1;
    const PF_MB_V zero = {0};
    PF_MB_V wr = zr, wi = zi, sr = zero + 1, si = zero;
    PF_MB_V er = zero, ei = zero, gr = zero, gi = zero; /* w_p - w_0, s_p at the return */
    PF_MB_IV p = {0}, found = {0};
    for (int i = 1; i <= PF_MB_CYCLE_P; i++) {
        const PF_MB_V rr = wr * wr, ii = wi * wi, ri = wr * wi;
        const PF_MB_V tr = (wr * sr - wi * si) * 2;
        si = (wr * si + wi * sr) * 2;
        sr = tr;
        wr = rr - ii + cr;
        wi = ri + ri + ci;
        const PF_MB_V dr = wr - zr, di = wi - zi, d2 = dr * dr + di * di;
        const PF_MB_IV fresh = (d2 < PF_MB_CYCLE_NEAR) & ~found;
        if (__builtin_expect(PF_MB_BITS(fresh) != 0, 0)) { /* a lane returns */
            p |= fresh & (onei * i);
            /* each lane is fresh once: or-ing into zero keeps its values */
            er = (PF_MB_V)((PF_MB_IV)er | ((PF_MB_IV)dr & fresh));
            ei = (PF_MB_V)((PF_MB_IV)ei | ((PF_MB_IV)di & fresh));
            gr = (PF_MB_V)((PF_MB_IV)gr | ((PF_MB_IV)sr & fresh));
            gi = (PF_MB_V)((PF_MB_IV)gi | ((PF_MB_IV)si & fresh));
            found |= fresh;
            if (((unsigned)PF_MB_BITS(found) & live) == live)
                break;
        }
    }
    const unsigned cand = (unsigned)PF_MB_BITS(found) & live;
    if (cand == 0)
        return 0;
    PF_MB_IT pl[PF_MB_LANES];
    memcpy(pl, &p, sizeof pl);
    int maxp = 0;
    for (unsigned b = cand; b != 0; b &= b - 1)
        if (pl[__builtin_ctz(b)] > maxp)
            maxp = (int)pl[__builtin_ctz(b)];
    const PF_MB_V qr = 1 - gr, qi = -gi, q2 = qr * qr + qi * qi;
    const PF_MB_V ar = zr + (er * qr + ei * qi) / q2;
    const PF_MB_V ai = zi + (ei * qr - er * qi) / q2;
    const PF_MB_V xr = zr - ar, xi = zi - ai;
    const PF_MB_V r0 = PF_MB_SQRT((xr * xr + xi * xi) * (1 + 16 * u)) * (PF_MB_T)1.25 +
                       PF_MB_CYCLE_FLOOR;
    PF_MB_V r = r0;
    PF_MB_IV ok = onei - 2, hit = {0}; /* all ones, none */
    wr = ar;
    wi = ai;
    for (int i = 1; i <= maxp; i++) {
        const PF_MB_V rr = wr * wr, ii = wi * wi, ri = wr * wi;
        const PF_MB_V a = PF_MB_SQRT(rr + ii) * (2 * (1 + 8 * u)); /* >= 2|w| */
        ok &= (a * (PF_MB_T)0.5 + r) * (1 + 4 * u) <= (PF_MB_T)1.9;
        r = (r * (a + r) + 2 * eps) * (1 + 8 * u);
        wr = rr - ii + cr;
        wi = ri + ri + ci;
        const PF_MB_V dr = wr - ar, di = wi - ai;
        const PF_MB_V d2 = (dr * dr + di * di) * (1 + 16 * u);
        const PF_MB_V t = (r0 - r) * (1 - 4 * u);
        hit |= ok & (p == onei * i) & (t > 0) & (d2 <= t * t * (1 - 8 * u));
    }
    return (unsigned)PF_MB_BITS(hit) & cand;
}

/* The block end at which a check of the vector's own step t falls due: at
 * most PF_MB_BLOCK - 1 steps before it (pf_mb_advance makes up the rest);
 * -1 for none. */
static inline int64_t PF_MB_FN(pf_mb_due)(const PF_MB_GROUP *g, int64_t t)
{
    return t < 0 || t > INT64_MAX - g->start ? -1 : g->start + t - (PF_MB_BLOCK - 1);
}

/* The own step of the check after one at own step t: 2t; none past
 * INT64_MAX, nor, with one maxiter for the whole vector, when fewer steps
 * than were done are left after it (`after` = 0) or after the next one
 * (`after` = 1: the cycle check, which costs more). */
static inline int64_t PF_MB_FN(pf_mb_next)(const PF_MB_GROUP *g, int64_t t, int after)
{
    const int64_t next = pf_mb_next_check(t);
    if (next < 0)
        return -1;
    if (g->uniform && g->maxiter[0] - 1 - (after ? next : t) < t)
        return -1;
    return next;
}

/* Steps z from the vector's own step j + 1 to t + 1 (t - j < PF_MB_BLOCK
 * steps), as the main loop would; returns the lanes whose tests all passed
 * (rr + ii < 4). */
static inline unsigned PF_MB_FN(pf_mb_advance)(PF_MB_V *zr, PF_MB_V *zi, PF_MB_V cr, PF_MB_V ci,
                                               int64_t steps)
{
    PF_MB_IV ok = ~(PF_MB_IV){0};
    for (int64_t s = 0; s < steps; s++) {
        const PF_MB_V rr = *zr * *zr, ii = *zi * *zi, ri = *zr * *zi;
        ok &= (PF_MB_IV)(rr + ii < 4);
        *zr = rr - ii + cr;
        *zi = ri * 2 + ci;
    }
    return (unsigned)PF_MB_BITS(ok);
}

/*
 * Trap checks due after step k (z = z_{j+1}, j = k - start, not yet
 * tested): the active lanes proven never to escape leave `active`; those
 * holding points will store maxiter.  A check of own step t looks at
 * z_{t+1}, stepped from z_{j+1} on a copy, so whether and when a lane is
 * caught depends only on its own c and maxiter, never on the step at which
 * its vector was loaded (nor on its neighbours): the scalar level's own
 * steps.  A lane that escapes on the way is not caught (the main loop sees
 * its escape).  Run between blocks of steps, out of the hot loop.
 */
__attribute__((noinline)) static PF_MB_ACT PF_MB_FN(pf_mb_trap_check)(PF_MB_GROUP *g, PF_MB_ACT active, int64_t k,
                                            PF_MB_V zr, PF_MB_V zi, PF_MB_V cr, PF_MB_V ci)
{
    const unsigned live = PF_MB_ACT_BITS(active);
    const int64_t j = k - g->start;
    unsigned caught = 0;
    if (g->kcard >= 0 && k >= g->kcard) {
        const int64_t t = g->tcard;
        g->tcard = PF_MB_FN(pf_mb_next)(g, t, 0);
        g->kcard = PF_MB_FN(pf_mb_due)(g, g->tcard);
        PF_MB_V wr = zr, wi = zi;
        const unsigned ok = live & PF_MB_FN(pf_mb_advance)(&wr, &wi, cr, ci, t - j);
        if (ok & (g->card_lanes | g->bulb_lanes)) {
            PF_MB_IV card = {0}, bulb = {0};
            PF_MB_STEP_AHEAD(PF_MB_T, PF_MB_V, PF_MB_U, wr, wi, cr, ci)
            if (ok & g->card_lanes)
                PF_MB_TRAPPED_CARDIOID(card, PF_MB_T, PF_MB_V, PF_MB_SQRT, wr, wi)
            if (ok & g->bulb_lanes)
                PF_MB_TRAPPED_BULB(bulb, PF_MB_T, PF_MB_V, PF_MB_SQRT, wr, wi, cr, ci)
            caught = ok & (((unsigned)PF_MB_BITS(card) & g->card_lanes) |
                           ((unsigned)PF_MB_BITS(bulb) & g->bulb_lanes));
        }
    }
    if (g->kcyc >= 0 && k >= g->kcyc) {
        const int64_t t = g->tcyc;
        g->tcyc = PF_MB_FN(pf_mb_next)(g, t, 1);
        g->kcyc = PF_MB_FN(pf_mb_due)(g, g->tcyc);
        PF_MB_V wr = zr, wi = zi;
        const unsigned ok = live & PF_MB_FN(pf_mb_advance)(&wr, &wi, cr, ci, t - j);
        const unsigned cand = ok & g->cyc_lanes & ~caught;
        if (cand != 0)
            caught |= PF_MB_FN(pf_mb_cycle)(wr, wi, cr, ci, cand);
    }
    PF_MB_FN(pf_mb_set_ktrap)(g);
    if (caught == 0)
        return active;
    g->trapped |= caught & g->own;
    return PF_MB_ACT_FROM(live & ~caught);
}

/* The checks of a vector just loaded (g->start set): cardioid and bulb for
 * the lanes of `traps` that the classic tests put in them (the tests only
 * choose where to look; the proof is the trap's, mandelbrot_traps.h:
 * vectors of points outside, the deep zoom's for one, pay for the test and
 * never see a check), cycles for the lanes of `cycles`. */
static inline void PF_MB_FN(pf_mb_schedule)(PF_MB_GROUP *g, PF_MB_V cr, PF_MB_V ci,
                                            unsigned traps, unsigned cycles)
{
    g->card_lanes = g->bulb_lanes = 0;
    if (traps != 0) {
        PF_MB_IV card, bulb;
        PF_MB_CLASSIC(card, bulb, PF_MB_T, PF_MB_V, cr, ci);
        g->card_lanes = (unsigned)PF_MB_BITS(card) & traps;
        g->bulb_lanes = (unsigned)PF_MB_BITS(bulb) & traps;
    }
    g->cyc_lanes = cycles;
    g->tcard = g->card_lanes | g->bulb_lanes ? PF_MB_FIRST_CHECK : -1;
    g->tcyc = cycles != 0 ? PF_MB_CYCLE_FIRST : -1;
    g->kcard = PF_MB_FN(pf_mb_due)(g, g->tcard);
    g->kcyc = PF_MB_FN(pf_mb_due)(g, g->tcyc);
    PF_MB_FN(pf_mb_set_ktrap)(g);
}
