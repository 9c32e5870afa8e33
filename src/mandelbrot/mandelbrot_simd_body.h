/*
 * The Mandelbrot loop of one vector level for one floating type, included by
 * mandelbrot_simd.c once per type with these defined: PF_MB_T (the float
 * type), PF_MB_TBYTES (its size), PF_MB_IT and PF_MB_ITMAX (lane counts),
 * PF_MB_SUFFIX and PF_MB_CSUFFIX (f64/c128, f32/c64: the kernels' names),
 * PF_MB_BITS and PF_MB_UNORD (sign bits, NaN lanes), PF_MB_POINT and
 * PF_MB_FILL (mandelbrot.h's point and grid-fill functions), PF_MB_SQRT,
 * PF_MB_U (unit roundoff), PF_MB_CYCLE_FLOOR and PF_MB_CYCLE_NEAR
 * (mandelbrot_traps.h).  Undefined again at the end.
 */
#define PF_MB_LANES (PF_VBYTES / PF_MB_TBYTES)
#define PF_MB_FULL ((unsigned)((1ull << PF_MB_LANES) - 1))
#define PF_MB_V PF_CAT(pf_mb_vec, PF_MB_SUFFIX)
#define PF_MB_IV PF_CAT(pf_mb_ivec, PF_MB_SUFFIX)
#define PF_MB_I64V PF_CAT(pf_mb_i64vec, PF_MB_SUFFIX)
#define PF_MB_GROUP PF_CAT(pf_mb_group, PF_MB_SUFFIX)
#define PF_MB_FN(base) PF_CAT(base, PF_MB_SUFFIX)

typedef PF_MB_T PF_MB_V __attribute__((vector_size(PF_VBYTES)));
typedef PF_MB_IT PF_MB_IV __attribute__((vector_size(PF_VBYTES)));
typedef int64_t PF_MB_I64V __attribute__((vector_size(PF_MB_LANES * 8)));

/* The grid run's next chunk, once every known point has been loaded: 0 if
 * none. */
static int PF_MB_FN(pf_mb_more)(pf_mb_io *io)
{
    if (io->rows == NULL)
        return 0;
    const intptr_t m = PF_MB_FILL(io->rows, io->bre, io->bim);
    if (m <= 0) {
        io->rows = NULL;
        return 0;
    }
    io->c = (const char *)io->bre;
    io->ci = (const char *)io->bim;
    io->cbase = io->n;
    io->n += m;
    return 1;
}

/* An integer vector with all-ones lanes where `bits` has ones. */
static inline PF_MB_IV PF_MB_FN(pf_mb_lanemask)(unsigned bits)
{
    PF_MB_IT mask[PF_MB_LANES];
    for (int l = 0; l < PF_MB_LANES; l++)
        mask[l] = (bits >> l) & 1u ? -1 : 0;
    PF_MB_IV v;
    memcpy(&v, mask, sizeof v);
    return v;
}

/*
 * The active lanes.  With AVX-512 a mask register: the compare of
 * rr + ii < 4 is done under the old mask and the count is a masked add, two
 * instructions.  Otherwise an integer vector of all-ones lanes: compare, and,
 * subtract, and a movemask for the "none left" test.
 *   PF_MB_STILL(active, s)   active lanes with s < 4
 *   PF_MB_COUNT(count, active)  count + 1 in the active lanes
 *   PF_MB_ACT_BITS(active)   as a bitmask;  PF_MB_ACT_FROM(bits)  the reverse
 */
#if PF_MB_KMASK
#define PF_MB_ACT PF_CAT(pf_mb_kmask, PF_MB_SUFFIX)
#if PF_MB_TBYTES == 8
typedef __mmask8 PF_MB_ACT;
#define PF_MB_STILL(active, s) _mm512_mask_cmp_pd_mask((active), (__m512d)(s), (__m512d)four, _CMP_LT_OQ)
#define PF_MB_COUNT(count, active)                                         \
    (PF_MB_IV)_mm512_mask_add_epi64((__m512i)(count), (active), (__m512i)(count), (__m512i)one)
#else
typedef __mmask16 PF_MB_ACT;
#define PF_MB_STILL(active, s) _mm512_mask_cmp_ps_mask((active), (__m512)(s), (__m512)four, _CMP_LT_OQ)
#define PF_MB_COUNT(count, active)                                         \
    (PF_MB_IV)_mm512_mask_add_epi32((__m512i)(count), (active), (__m512i)(count), (__m512i)one)
#endif
#define PF_MB_ACT_BITS(active) ((unsigned)(active))
#define PF_MB_ACT_FROM(bits) ((PF_MB_ACT)(bits))
#else
#define PF_MB_ACT PF_MB_IV
#define PF_MB_STILL(active, s) ((active) & (PF_MB_IV)((s) < four))
#define PF_MB_COUNT(count, active) ((count) - (active))
#define PF_MB_ACT_BITS(active) ((unsigned)PF_MB_BITS(active))
#define PF_MB_ACT_FROM(bits) PF_MB_FN(pf_mb_lanemask)(bits)
#endif

/* A vector's bookkeeping, touched by the hot loop only through `kend`. */
typedef struct {
    int64_t kend;     /* step at which the next lane reaches its limit, -1 if none */
    int64_t ktrap;    /* step of the next trap check (mandelbrot_traps.h), -1 if none: */
    int64_t kcard;    /* the next cardioid/bulb check's, -1 if none */
    int64_t kcyc;     /* the next cycle check's, -1 if none */
    int64_t tcard;    /* the vector's own step each of those looks at, */
    int64_t tcyc;     /* -1 if none (mandelbrot_simd_traps.h) */
    unsigned trapped; /* lanes proven never to escape: their count is maxiter */
    unsigned card_lanes, bulb_lanes; /* lanes checked: cardioid, bulb (classic tests) */
    unsigned cyc_lanes;              /* and cycles */
    int64_t start;    /* step at which the vector was loaded */
    intptr_t base;    /* index of lane 0's point */
    unsigned own;     /* lanes holding a point whose count is to be stored */
    int uniform;      /* every lane has maxiter == maxiter[0] */
    int64_t maxiter[PF_MB_LANES];
} PF_MB_GROUP;

/* The lanes of one vector that change only when it is refilled. */
typedef struct {
    PF_MB_V cr, ci;
    PF_MB_ACT active;
} PF_MB_FN(pf_mb_lanes);

/* ktrap = the earlier of the two checks' steps. */
static inline void PF_MB_FN(pf_mb_set_ktrap)(PF_MB_GROUP *g)
{
    g->ktrap = g->kcard < 0 ? g->kcyc : g->kcyc < 0 || g->kcard < g->kcyc ? g->kcard : g->kcyc;
}

/* kend = start + the smallest maxiter-1 of the `live` lanes, saturated: a
 * lane whose limit lies beyond INT64_MAX steps never reaches it. */
static inline void PF_MB_FN(pf_mb_set_kend)(PF_MB_GROUP *g, unsigned live)
{
    if (live == 0) {
        g->kend = -1;
        return;
    }
    int64_t least = INT64_MAX;
    if (g->uniform) {
        least = g->maxiter[0] - 1;
    } else {
        for (unsigned b = live; b != 0; b &= b - 1) {
            const int64_t last = g->maxiter[__builtin_ctz(b)] - 1;
            if (last < least)
                least = last;
        }
    }
    g->kend = least > INT64_MAX - g->start ? INT64_MAX : g->start + least;
}

#include "mandelbrot/mandelbrot_simd_traps.h"

/* Splits PF_MB_LANES contiguous (re, im) pairs at p into two vectors. */
static inline void PF_MB_FN(pf_mb_split)(const char *p, PF_MB_V *cr, PF_MB_V *ci)
{
    PF_MB_V a, b;
    memcpy(&a, p, sizeof a);
    memcpy(&b, p + sizeof a, sizeof b);
#if PF_MB_LANES == 2
    *cr = PF_SHUFFLE2(a, b, PF_MB_IV, 0, 2);
    *ci = PF_SHUFFLE2(a, b, PF_MB_IV, 1, 3);
#elif PF_MB_LANES == 4
    *cr = PF_SHUFFLE2(a, b, PF_MB_IV, 0, 2, 4, 6);
    *ci = PF_SHUFFLE2(a, b, PF_MB_IV, 1, 3, 5, 7);
#elif PF_MB_LANES == 8
    *cr = PF_SHUFFLE2(a, b, PF_MB_IV, 0, 2, 4, 6, 8, 10, 12, 14);
    *ci = PF_SHUFFLE2(a, b, PF_MB_IV, 1, 3, 5, 7, 9, 11, 13, 15);
#elif PF_MB_LANES == 16
    *cr = PF_SHUFFLE2(a, b, PF_MB_IV, 0, 2, 4, 6, 8, 10, 12, 14,
                           16, 18, 20, 22, 24, 26, 28, 30);
    *ci = PF_SHUFFLE2(a, b, PF_MB_IV, 1, 3, 5, 7, 9, 11, 13, 15,
                           17, 19, 21, 23, 25, 27, 29, 31);
#else
#error "unsupported lane count"
#endif
}

/* Whole vectors can be loaded from io (pf_mb_vload): (re, im) pairs one
 * after the other, or real and imaginary parts each with a float's stride
 * (a grid run's two arrays; a complex array with that stride, whose
 * points overlap, reads the same way). */
static inline int PF_MB_FN(pf_mb_vloadable)(const pf_mb_io *io)
{
    return io->cs == 2 * (intptr_t)sizeof(PF_MB_T) || io->cs == (intptr_t)sizeof(PF_MB_T);
}

/* Points i ... i + PF_MB_LANES - 1 of io, as two vectors. */
static inline void PF_MB_FN(pf_mb_vload)(const pf_mb_io *io, intptr_t i, PF_MB_V *cr, PF_MB_V *ci)
{
    if (io->cs == (intptr_t)sizeof(PF_MB_T)) {
        memcpy(cr, pf_mb_cptr(io, i), sizeof *cr);
        memcpy(ci, pf_mb_ciptr(io, i), sizeof *ci);
    } else { /* (re, im) pairs, split by one shuffle each */
        PF_MB_FN(pf_mb_split)(pf_mb_cptr(io, i), cr, ci);
    }
}

/* Loads the next points that need iterating, at step k.  Returns 0, with
 * c = 0 and no lane active, when none are left. */
static int PF_MB_FN(pf_mb_load)(PF_MB_GROUP *g, PF_MB_FN(pf_mb_lanes) *lanes,
                                pf_mb_io *io, int64_t k)
{
    while (io->next < io->n || PF_MB_FN(pf_mb_more)(io)) {
        const intptr_t base = io->next;
        const intptr_t count = io->n - base < PF_MB_LANES ? io->n - base : PF_MB_LANES;
        io->next += count;
        PF_MB_V cr, ci;
        if (count == PF_MB_LANES && PF_MB_FN(pf_mb_vloadable)(io)) {
            PF_MB_FN(pf_mb_vload)(io, base, &cr, &ci);
        } else {
            PF_MB_T re[PF_MB_LANES] = {0}, im[PF_MB_LANES] = {0};
            for (int l = 0; l < count; l++) {
                re[l] = *(const PF_MB_T *)pf_mb_cptr(io, base + l);
                im[l] = *(const PF_MB_T *)pf_mb_ciptr(io, base + l);
            }
            memcpy(&cr, re, sizeof cr);
            memcpy(&ci, im, sizeof ci);
        }
        const unsigned present = count == PF_MB_LANES ? PF_MB_FULL : (1u << count) - 1;
        /* Lanes to iterate: present, no NaN, 2 <= maxiter (<= INT32_MAX in float32). */
        unsigned live = present & ~(unsigned)PF_MB_UNORD(cr, ci);
        if (io->ms == 0) {
            const int64_t m = pf_mb_maxiter(io, base);
            g->uniform = 1;
            g->maxiter[0] = m;
            if (m < 2 || m > PF_MB_ITMAX)
                live = 0;
        } else {
            g->uniform = 0;
            for (int l = 0; l < count; l++) {
                const int64_t m = pf_mb_maxiter(io, base + l);
                g->maxiter[l] = m;
                if (m < 2 || m > PF_MB_ITMAX)
                    live &= ~(1u << l);
            }
        }
        /* The others' results are known (or, past INT32_MAX, computed alone). */
        for (unsigned b = present & ~live; b != 0; b &= b - 1) {
            const int l = __builtin_ctz(b);
            const int64_t m = g->maxiter[g->uniform ? 0 : l];
            int64_t result = m < 1 ? 0 : m;
            if (m > PF_MB_ITMAX) {
                result = PF_MB_POINT(*(const PF_MB_T *)pf_mb_cptr(io, base + l),
                                     *(const PF_MB_T *)pf_mb_ciptr(io, base + l), m);
                if (result < 0) { /* interrupted: left as it was, no more points */
                    io->next = io->n;
                    continue;
                }
            }
            pf_mb_store(io, base + l, result);
        }
        if (live != 0) {
            lanes->active = PF_MB_ACT_FROM(live);
            lanes->cr = cr;
            lanes->ci = ci;
            if (live != PF_MB_FULL) { /* idle lanes: c = 0 never escapes */
                const PF_MB_IV keep = PF_MB_FN(pf_mb_lanemask)(live);
                lanes->cr = (PF_MB_V)((PF_MB_IV)cr & keep);
                lanes->ci = (PF_MB_V)((PF_MB_IV)ci & keep);
            }
            g->base = base;
            g->own = live;
            g->start = k;
            PF_MB_FN(pf_mb_set_kend)(g, live);
            unsigned traps = 0, cycles = 0; /* by each lane's own maxiter */
            for (unsigned b = live; b != 0; b &= b - 1) {
                const int l = __builtin_ctz(b);
                const int64_t m = g->maxiter[g->uniform ? 0 : l];
                traps |= m >= PF_MB_TRAP_MIN_MAXITER ? 1u << l : 0u;
                cycles |= m >= PF_MB_CYCLE_MIN_MAXITER ? 1u << l : 0u;
            }
            PF_MB_FN(pf_mb_schedule)(g, cr, ci, traps, cycles);
            g->trapped = 0;
            return 1;
        }
    }
    /* None left: the vector idles with c = 0 (which never escapes) and every
     * lane active, so it is never finished again; nothing is stored. */
    lanes->cr = (PF_MB_V){0};
    lanes->ci = (PF_MB_V){0};
    lanes->active = PF_MB_ACT_FROM(PF_MB_FULL);
    g->own = 0;
    g->kend = -1;
    g->ktrap = g->kcard = g->kcyc = g->tcard = g->tcyc = -1;
    g->trapped = 0;
    return 0;
}

/* Lanes at their limit at step k (k == kend): the count of those still
 * active is maxiter - 1 already; they just stop. */
static PF_MB_ACT PF_MB_FN(pf_mb_limit)(PF_MB_GROUP *g, PF_MB_ACT active, int64_t k)
{
    if (g->uniform) {
        g->kend = -1;
        return PF_MB_ACT_FROM(0);
    }
    const int64_t j = k - g->start;
    const unsigned live = PF_MB_ACT_BITS(active);
    unsigned still = live;
    for (unsigned b = live; b != 0; b &= b - 1) {
        const int l = __builtin_ctz(b);
        if (g->maxiter[l] - 1 == j)
            still &= ~(1u << l);
    }
    PF_MB_FN(pf_mb_set_kend)(g, still);
    return PF_MB_ACT_FROM(still);
}

/* Stores count + 1 for the lanes holding points, maxiter for trapped ones. */
static inline void PF_MB_FN(pf_mb_finish)(const PF_MB_GROUP *g, PF_MB_IV count,
                                           const pf_mb_io *io)
{
    const PF_MB_I64V result = __builtin_convertvector(count, PF_MB_I64V) + 1;
    if (__builtin_expect(g->own == PF_MB_FULL && io->os == (intptr_t)sizeof(int64_t), 1)) {
        PF_MB_I64V shifted = result - io->shift;
        shifted &= ~(shifted >> 63); /* max(., 0) */
        memcpy(io->out + g->base * io->os, &shifted, sizeof shifted);
    } else {
        for (unsigned b = g->own & ~g->trapped; b != 0; b &= b - 1) {
            const int l = __builtin_ctz(b);
            pf_mb_store(io, g->base + l, result[l]);
        }
    }
    for (unsigned b = g->trapped; b != 0; b &= b - 1) {
        const int l = __builtin_ctz(b);
        pf_mb_store(io, g->base + l, g->maxiter[g->uniform ? 0 : l]);
    }
}

/* What the quick refill needs: set once per run (pf_mb_run). */
typedef struct {
    int fast;         /* contiguous c, one maxiter in 2 ... PF_MB_ITMAX for all */
    int64_t mlast;    /* that maxiter - 1 */
    unsigned traps;   /* lanes to check: all or none, by that maxiter */
    unsigned cycles;
} PF_MB_FN(pf_mb_quick);

/* Refills a vector at step k: its lanes' c, z = z_1, active lanes and
 * counts, and its bookkeeping g.  The common case, a whole vector of
 * contiguous points without NaN and one maxiter for all, is inline; the rest
 * is pf_mb_load's.  Returns 0 when no point was left for it. */
static PF_ALWAYS_INLINE int PF_MB_FN(pf_mb_refill)(PF_MB_GROUP *g, pf_mb_io *io,
                                                   const PF_MB_FN(pf_mb_quick) *q, int64_t k,
                                                   PF_MB_V *cr, PF_MB_V *ci, PF_MB_V *zr,
                                                   PF_MB_V *zi, PF_MB_ACT *active,
                                                   PF_MB_IV *count)
{
    const PF_MB_V zero = {0};
    int loaded = 1;
    PF_MB_V fcr, fci;
    PF_MB_ACT fact = PF_MB_ACT_FROM(PF_MB_FULL);
    int quick = 0;
    if (q->fast && io->next + PF_MB_LANES <= io->n) {
        PF_MB_FN(pf_mb_vload)(io, io->next, &fcr, &fci);
        if (__builtin_expect(PF_MB_UNORD(fcr, fci) == 0, 1)) {
            g->base = io->next;
            io->next += PF_MB_LANES;
            g->own = PF_MB_FULL;
            g->start = k;
            g->kend = q->mlast > INT64_MAX - k ? INT64_MAX : k + q->mlast;
            g->uniform = 1;
            g->maxiter[0] = q->mlast + 1;
            PF_MB_FN(pf_mb_schedule)(g, fcr, fci, q->traps, q->cycles);
            g->trapped = 0;
            quick = 1;
        }
    }
    if (!quick) {
        PF_MB_FN(pf_mb_lanes) fresh;
        loaded = PF_MB_FN(pf_mb_load)(g, &fresh, io, k);
        fcr = fresh.cr;
        fci = fresh.ci;
        fact = fresh.active;
    }
    *cr = fcr;
    *ci = fci;
    *active = fact;
    *count = (PF_MB_IV){0};
    *zr = zero + fcr; /* z_1 = (0 + cr, 0 + ci) */
    *zi = zero + fci;
    return loaded;
}

/* Refills vector g at step k (pf_mb_refill) and notes its next check. */
#define PF_MB_REFILL(g, k)                                                 \
    {                                                                      \
        live -= 1 - PF_MB_FN(pf_mb_refill)(&grp[g], &io, &quick, (k), &cr[g], &ci[g], \
                                           &zr[g], &zi[g], &active[g], &count[g]); \
        PF_MB_NOTE_CHECK(g)                                                \
    }

/* One step of vector g: test z_j, compute z_{j+1}, count the survivors.
 * (A deferred escape test, the plain test only every eighth step and a
 * replay when a lane escaped, ran fewer instructions but took longer on this
 * machine, at both levels: see benchmarks/README.md.) */
#define PF_MB_STEP(g)                                                      \
    {                                                                      \
        const PF_MB_V rr = zr[g] * zr[g], ii = zi[g] * zi[g];              \
        const PF_MB_V ri = zr[g] * zi[g];                                  \
        active[g] = PF_MB_STILL(active[g], rr + ii);                       \
        count[g] = PF_MB_COUNT(count[g], active[g]);                       \
        zr[g] = rr - ii + cr[g];                                           \
        zi[g] = ri * 2 + ci[g]; /* ri * 2 == ri + ri, both exact */        \
        if (__builtin_expect(k == grp[g].kend, 0))                         \
            active[g] = PF_MB_FN(pf_mb_limit)(&grp[g], active[g], k);      \
        if (__builtin_expect(PF_MB_ACT_BITS(active[g]) == 0, 0)) {         \
            PF_MB_FN(pf_mb_finish)(&grp[g], count[g], &io);                \
            PF_MB_REFILL(g, k)                                             \
        }                                                                  \
    }

/*
 * Trap checks (mandelbrot_traps.h) run between blocks of PF_MB_BLOCK steps, out of
 * the hot loop, for the vectors whose check is due; a vector left without
 * active lanes is finished and refilled there.  knext, the earliest check of
 * any vector, costs one compare per block, so vectors without checks (the
 * deep zoom's) pay next to nothing.  (Checks inside the step loop, through
 * its kend compare, ran 1.35x longer at AVX2: the calls' vector arguments
 * cost the loop its registers.)  The interrupt check is there too, every
 * PF_MANDELBROT_POLL_STEPS steps.
 */

#define PF_MB_CHECKS(g)                                                    \
    if (grp[g].ktrap >= 0 && k >= grp[g].ktrap) {                          \
        active[g] = PF_MB_FN(pf_mb_trap_check)(&grp[g], active[g], k, zr[g], zi[g], \
                                               cr[g], ci[g]);              \
        if (PF_MB_ACT_BITS(active[g]) == 0) {                              \
            PF_MB_FN(pf_mb_finish)(&grp[g], count[g], &io);                \
            PF_MB_REFILL(g, k)                                             \
        }                                                                  \
    }                                                                      \
    PF_MB_NOTE_CHECK(g)

#define PF_MB_NOTE_CHECK(g)                                                \
    if (grp[g].ktrap >= 0 && grp[g].ktrap < knext)                         \
        knext = grp[g].ktrap;

/* The counts of io's n points (the caller saves and restores the FP flags). */
static void PF_MB_FN(pf_mb_run)(pf_mb_io io)
{
    const intptr_t n = io.n;
    const PF_MB_V zero = {0}, four = zero + 4;
    const PF_MB_IV one = (PF_MB_IV){0} + 1;
    (void)one;
    PF_MB_V cr[PF_MB_GROUPS], ci[PF_MB_GROUPS], zr[PF_MB_GROUPS], zi[PF_MB_GROUPS];
    PF_MB_ACT active[PF_MB_GROUPS];
    PF_MB_IV count[PF_MB_GROUPS];
    PF_MB_GROUP grp[PF_MB_GROUPS];
    memset(grp, 0, sizeof grp);
    int live = PF_MB_GROUPS;
    const int64_t m0 = n > 0 ? pf_mb_maxiter(&io, 0) : 0;
    const int fast = PF_MB_FN(pf_mb_vloadable)(&io) && io.ms == 0 && m0 >= 2 &&
                     m0 <= PF_MB_ITMAX;
    /* mlast only when fast: m0 - 1 overflows (undefined behaviour) for
     * maxiter == INT64_MIN. */
    const int64_t mlast = fast ? m0 - 1 : 0;
    const int traps = mlast + 1 >= PF_MB_TRAP_MIN_MAXITER;
    const PF_MB_FN(pf_mb_quick) quick = {
        .fast = fast, .mlast = mlast,
        .traps = traps ? PF_MB_FULL : 0u,
        .cycles = mlast + 1 >= PF_MB_CYCLE_MIN_MAXITER ? PF_MB_FULL : 0u,
    };
    int64_t knext = INT64_MAX; /* the earliest check due, any vector */
#define PF_MB_INIT(g) PF_MB_REFILL(g, 0)
    PF_MB_EACH_GROUP(PF_MB_INIT)
#undef PF_MB_INIT
    /* One small maxiter for all: no check, no blocks.  No interrupt check
     * either: every point takes fewer than PF_MB_TRAP_MIN_MAXITER steps, and
     * the caller's chunks (the pool's, a grid run's fills) are checked. */
    if (fast && !traps) {
        for (int64_t k = 1; live > 0; k++) {
            PF_MB_EACH_GROUP(PF_MB_STEP)
        }
        return;
    }
    for (int64_t k0 = 1; live > 0; k0 += PF_MB_BLOCK) {
        for (int t = 0; t < PF_MB_BLOCK; t++) {
            const int64_t k = k0 + t;
            PF_MB_EACH_GROUP(PF_MB_STEP)
        }
        const int64_t k = k0 + PF_MB_BLOCK - 1;
        if (__builtin_expect(k >= knext, 0)) {
            knext = INT64_MAX;
            PF_MB_EACH_GROUP(PF_MB_CHECKS)
        }
        /* interrupted: the points in flight are left as they were */
        if (__builtin_expect(((k0 - 1) & (PF_MANDELBROT_POLL_STEPS - 1)) == 0, 0) &&
            pf_interrupted())
            return;
    }
}

PF_KERNEL(PF_NAME(PF_CAT(pf_mandelbrot, PF_MB_CSUFFIX)))
{
    (void)core_dims;
    (void)hints;
    pf_mb_io io = {
        .c = args[0], .ci = args[0] + sizeof(PF_MB_T), .maxiter = args[1], .out = args[2],
        .cs = steps[0], .ms = steps[1], .os = steps[2],
        .n = n, .next = 0, .cbase = 0, .shift = 0, .rows = NULL,
    };
    pf_fpflags saved;
    pf_fpflags_save(&saved);
    PF_MB_FN(pf_mb_run)(io);
    pf_fpflags_restore(&saved);
}

/* mandelbrot_grid and make_fractal's _mandelbrot_grid_shifted: each run of
 * rows (mandelbrot.h) one run of the loop, one maxiter, counts shifted and
 * stored with the output's column stride. */
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
            pf_mb_io io = {
                .c = NULL, .ci = NULL, .maxiter = (const char *)&grid.maxiter, .out = out,
                .cs = (intptr_t)sizeof(PF_MB_T), .ms = 0, .os = grid.ocs,
                .n = 0, .next = 0, .cbase = 0, .shift = grid.shift,
                .rows = &grid.rows, .bre = re, .bim = im,
            };
            if (PF_MB_FN(pf_mb_more)(&io))
                PF_MB_FN(pf_mb_run)(io);
        }
    }
    pf_fpflags_restore(&saved);
}

PF_KERNEL(PF_NAME(PF_CAT(pf_mandelbrot_grid, PF_MB_SUFFIX)))
{
    (void)hints;
    PF_MB_FN(pf_mb_grid)(args, n, core_dims, steps, 0);
}

#if PF_MB_TBYTES == 8
PF_KERNEL(PF_NAME(pf_mandelbrot_grid_shifted_f64))
{
    (void)hints;
    PF_MB_FN(pf_mb_grid)(args, n, core_dims, steps, 1);
}
#endif

#undef PF_MB_ACT
#undef PF_MB_STILL
#undef PF_MB_COUNT
#undef PF_MB_ACT_BITS
#undef PF_MB_ACT_FROM
#undef PF_MB_LANES
#undef PF_MB_FULL
#undef PF_MB_V
#undef PF_MB_IV
#undef PF_MB_I64V
#undef PF_MB_GROUP
#undef PF_MB_FN
#undef PF_MB_T
#undef PF_MB_TBYTES
#undef PF_MB_IT
#undef PF_MB_ITMAX
#undef PF_MB_SUFFIX
#undef PF_MB_CSUFFIX
#undef PF_MB_BITS
#undef PF_MB_UNORD
#undef PF_MB_POINT
#undef PF_MB_FILL
#undef PF_MB_SQRT
#undef PF_MB_U
#undef PF_MB_CYCLE_FLOOR
#undef PF_MB_CYCLE_NEAR
