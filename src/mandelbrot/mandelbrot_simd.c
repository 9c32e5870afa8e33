/*
 * The Mandelbrot kernels at the vector levels, compiled once per level
 * (runtime/simd_target.h: PF_LEVEL, PF_VBYTES).  The level-specific pieces,
 * defined below for each level:
 *   PF_MB_GROUPS    vectors iterated side by side (2 to 4): one vector's step
 *                   is a chain of three dependent operations, so several
 *                   independent vectors keep the FP units busy (4 is the
 *                   best of 2, 3 and 4 at both levels: benchmarks/
 *                   report_mandelbrot.py)
 *   PF_MB_KMASK     1 to keep the active lanes in an AVX-512 mask register
 *   PF_MB_BITS_64(v), PF_MB_BITS_32(v)   bitmask of the lanes of an integer
 *                   vector whose sign bit is set (64- and 32-bit lanes)
 *   PF_MB_UNORD_64(a, b), PF_MB_UNORD_32(a, b)   bitmask of the lanes where
 *                   a or b is NaN (double and float vectors)
 *   PF_MB_SQRT_64(v), PF_MB_SQRT_32(v)   correctly rounded square root
 *                   (double and float vectors; only the trap checks use it)
 *
 * Scheme.  Each of the PF_MB_GROUPS vectors holds PF_VBYTES/sizeof(T)
 * consecutive points (two vector loads and a shuffle when the input is
 * contiguous, a gather through NumPy's strides otherwise: the same values
 * either way).  A step computes, lane by lane, the scalar sequence of
 * mandelbrot.h (hence bit-identical results; ri + ri is computed as ri * 2,
 * the same exact doubling, on the less busy multiplier), clears from the `active` lane
 * mask the lanes with !(rr + ii < 4), and adds one to the count of the lanes
 * still active.  So a lane that escapes when testing z_j holds j - 1, and one
 * that survives its last test (j = maxiter - 1) holds maxiter - 1: the result
 * is count + 1 in both cases.  The vector is finished when no lane is active,
 * or, for lanes that reach their own maxiter, at step `kend` (one integer
 * compare per step; with one maxiter for all points, the only limit).  A
 * finished vector stores its counts and is refilled with the next points while
 * the others go on.  Points with maxiter < 2 or a NaN never take a lane (their
 * result is known); neither do, for float32, points with maxiter > INT32_MAX,
 * whose 32-bit lane count could overflow: they go through the scalar loop.
 * Spare lanes of a short last vector stay at c = 0, inactive; a vector left
 * without points idles at c = 0 until the others are done.
 *
 * The file includes itself once per floating type (the part after #else).
 */
#ifndef PF_MB_T

#include "runtime/simd_target.h"

#include <string.h>

#include "mandelbrot/mandelbrot.h"
#include "runtime/fp_flags.h"

#if defined(PF_BUILD_AVX512)
#define PF_MB_GROUPS 4
#define PF_MB_KMASK 1
#define PF_MB_BITS_64(v) _mm512_movepi64_mask((__m512i)(v))
#define PF_MB_BITS_32(v) _mm512_movepi32_mask((__m512i)(v))
#define PF_MB_UNORD_64(a, b) _mm512_cmp_pd_mask((__m512d)(a), (__m512d)(b), _CMP_UNORD_Q)
#define PF_MB_UNORD_32(a, b) _mm512_cmp_ps_mask((__m512)(a), (__m512)(b), _CMP_UNORD_Q)
#define PF_MB_SQRT_64(v) ((PF_MB_V)_mm512_sqrt_pd((__m512d)(v)))
#define PF_MB_SQRT_32(v) ((PF_MB_V)_mm512_sqrt_ps((__m512)(v)))
#elif defined(PF_BUILD_NEON)
#define PF_MB_GROUPS 4
#define PF_MB_KMASK 0
#define PF_MB_BITS_64(v) pf_neon_bits64((int64x2_t)(v))
#define PF_MB_BITS_32(v) pf_neon_bits32((int32x4_t)(v))
#define PF_MB_UNORD_64(a, b) pf_neon_unord64((float64x2_t)(a), (float64x2_t)(b))
#define PF_MB_UNORD_32(a, b) pf_neon_unord32((float32x4_t)(a), (float32x4_t)(b))
#define PF_MB_SQRT_64(v) ((PF_MB_V)vsqrtq_f64((float64x2_t)(v)))
#define PF_MB_SQRT_32(v) ((PF_MB_V)vsqrtq_f32((float32x4_t)(v)))
#else
#define PF_MB_GROUPS 4
#define PF_MB_KMASK 0
#define PF_MB_BITS_64(v) _mm256_movemask_pd((__m256d)(v))
#define PF_MB_BITS_32(v) _mm256_movemask_ps((__m256)(v))
#define PF_MB_UNORD_64(a, b) _mm256_movemask_pd(_mm256_cmp_pd((__m256d)(a), (__m256d)(b), _CMP_UNORD_Q))
#define PF_MB_UNORD_32(a, b) _mm256_movemask_ps(_mm256_cmp_ps((__m256)(a), (__m256)(b), _CMP_UNORD_Q))
#define PF_MB_SQRT_64(v) ((PF_MB_V)_mm256_sqrt_pd((__m256d)(v)))
#define PF_MB_SQRT_32(v) ((PF_MB_V)_mm256_sqrt_ps((__m256)(v)))
#endif

#if PF_MB_GROUPS == 2
#define PF_MB_EACH_GROUP(X) X(0) X(1)
#elif PF_MB_GROUPS == 3
#define PF_MB_EACH_GROUP(X) X(0) X(1) X(2)
#elif PF_MB_GROUPS == 4
#define PF_MB_EACH_GROUP(X) X(0) X(1) X(2) X(3)
#else
#error "PF_MB_GROUPS must be 2, 3 or 4"
#endif

/* Where the points come from and the counts go; `next` is the first point
 * not yet handed to a lane, n the number known so far.  Point i's real part
 * is at c + (i - cbase)*cs, its imaginary part at ci + (i - cbase)*cs: the
 * ufunc's complex array (ci = c + one float, cs its stride) has them all at
 * once (rows NULL, cbase 0); a grid run gets them a chunk at a time from its
 * `rows` (mandelbrot.h), built into the two arrays bre and bim (cs one
 * float), refilled chunk after chunk once the lanes have loaded every point
 * before (pf_mb_more).  Each count is stored as max(count - shift, 0)
 * (shift 0 for the ufunc; make_fractal's 1 or 2). */
typedef struct {
    const char *c, *ci, *maxiter;
    char *out;
    intptr_t cs, ms, os;
    intptr_t n, next, cbase;
    int64_t shift;
    pf_mb_rows *rows;
    void *bre, *bim;
} pf_mb_io;

static inline const char *pf_mb_cptr(const pf_mb_io *io, intptr_t i)
{
    return io->c + (i - io->cbase) * io->cs;
}

static inline const char *pf_mb_ciptr(const pf_mb_io *io, intptr_t i)
{
    return io->ci + (i - io->cbase) * io->cs;
}

static inline void pf_mb_store(const pf_mb_io *io, intptr_t i, int64_t count)
{
    const int64_t shifted = count - io->shift;
    *(int64_t *)(io->out + i * io->os) = shifted > 0 ? shifted : 0;
}

static inline int64_t pf_mb_maxiter(const pf_mb_io *io, intptr_t i)
{
    return *(const int64_t *)(io->maxiter + i * io->ms);
}

#define PF_MB_T double
#define PF_MB_TBYTES 8
#define PF_MB_IT int64_t
#define PF_MB_ITMAX INT64_MAX
#define PF_MB_SUFFIX f64
#define PF_MB_CSUFFIX c128
#define PF_MB_BITS PF_MB_BITS_64
#define PF_MB_UNORD PF_MB_UNORD_64
#define PF_MB_POINT pf_mandelbrot_point_fast_f64
#define PF_MB_FILL pf_mb_fill_f64
#define PF_MB_SQRT PF_MB_SQRT_64
#define PF_MB_U 0x1p-53
#define PF_MB_CYCLE_FLOOR PF_MB_CYCLE_FLOOR_F64
#define PF_MB_CYCLE_NEAR PF_MB_CYCLE_NEAR_F64
#include "mandelbrot/mandelbrot_simd.c"
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

#define PF_MB_T float
#define PF_MB_TBYTES 4
#define PF_MB_IT int32_t
#define PF_MB_ITMAX INT32_MAX
#define PF_MB_SUFFIX f32
#define PF_MB_CSUFFIX c64
#define PF_MB_BITS PF_MB_BITS_32
#define PF_MB_UNORD PF_MB_UNORD_32
#define PF_MB_POINT pf_mandelbrot_point_fast_f32
#define PF_MB_FILL pf_mb_fill_f32
#define PF_MB_SQRT PF_MB_SQRT_32
#define PF_MB_U 0x1p-24f
#define PF_MB_CYCLE_FLOOR PF_MB_CYCLE_FLOOR_F32
#define PF_MB_CYCLE_NEAR PF_MB_CYCLE_NEAR_F32
#include "mandelbrot/mandelbrot_simd.c"
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

#else /* one floating type: PF_MB_T with lane counts PF_MB_IT, ... */

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
    int64_t ktrap;    /* step of the next trap check (mandelbrot.h), -1 if none: */
    int64_t kcard;    /* the next cardioid/bulb check's, -1 if none */
    int64_t kcyc;     /* the next cycle check's, -1 if none */
    unsigned trapped; /* lanes proven never to escape: their count is maxiter */
    unsigned shapes;  /* 1: a lane in the cardioid, 2: one in the bulb (classic tests) */
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

/* The lanes of `live` whose float orbit from z = (zr, zi) provably never
 * escapes by the cycle check of mandelbrot.h (f), all lanes at once: the
 * scalar PF_DEFINE_MB_CYCLE_TRAPPED with each lane's own p (the same
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

/* The next check of a schedule after one at step k: after about twice the
 * steps since the vector was loaded, none if that could save fewer steps
 * than it costs. */
static inline int64_t PF_MB_FN(pf_mb_next)(const PF_MB_GROUP *g, int64_t k)
{
    const int64_t j = k - g->start;
    const int64_t next = pf_mb_next_check(j);
    if (next < 0 || next > INT64_MAX - g->start)
        return -1;
    if (g->uniform && g->kend >= 0 && g->kend - k < j)
        return -1;
    return g->start + next;
}

/* Trap checks due after step k (z = z_{j+1}, j = k - start, not yet
 * tested): the active lanes whose z lies in a trap leave `active`; those
 * holding points will store maxiter.  Run between blocks of steps (below),
 * out of the hot loop. */
__attribute__((noinline)) static PF_MB_ACT PF_MB_FN(pf_mb_trap_check)(PF_MB_GROUP *g, PF_MB_ACT active, int64_t k,
                                            PF_MB_V zr, PF_MB_V zi, PF_MB_V cr, PF_MB_V ci)
{
    const unsigned live = PF_MB_ACT_BITS(active);
    unsigned caught = 0;
    if (g->kcard >= 0 && k >= g->kcard) {
        g->kcard = PF_MB_FN(pf_mb_next)(g, k);
        if (live != 0) {
            PF_MB_IV in = {0}, bulb = {0};
            PF_MB_STEP_AHEAD(PF_MB_T, PF_MB_V, PF_MB_U, zr, zi, cr, ci)
            if (g->shapes & 1u)
                PF_MB_TRAPPED_CARDIOID(in, PF_MB_T, PF_MB_V, PF_MB_SQRT, zr, zi)
            if (g->shapes & 2u)
                PF_MB_TRAPPED_BULB(bulb, PF_MB_T, PF_MB_V, PF_MB_SQRT, zr, zi, cr, ci)
            in |= bulb;
            caught = live & (unsigned)PF_MB_BITS(in);
        }
    }
    if (g->kcyc >= 0 && k >= g->kcyc) {
        const int64_t next = PF_MB_FN(pf_mb_next)(g, k);
        /* a later check only while it could save the steps done so far */
        g->kcyc = next >= 0 && g->uniform && g->kend - next < k - g->start ? -1 : next;
        if (live & ~caught)
            caught |= PF_MB_FN(pf_mb_cycle)(zr, zi, cr, ci, live & ~caught);
    }
    PF_MB_FN(pf_mb_set_ktrap)(g);
    if (caught == 0)
        return active;
    g->trapped |= caught & g->own;
    return PF_MB_ACT_FROM(live & ~caught);
}

/* The lanes of `lanes` in the main cardioid or the period-2 bulb by the
 * classic tests, which only choose the vectors worth checking (the proof is
 * the trap's, mandelbrot.h): vectors of points outside, the deep zoom's for
 * one, pay for this test when loaded and never see a trap check. */
static inline int64_t PF_MB_FN(pf_mb_classic)(PF_MB_GROUP *g, PF_MB_V cr, PF_MB_V ci,
                                              unsigned lanes, int64_t k)
{
    PF_MB_IV card, bulb;
    PF_MB_CLASSIC(card, bulb, PF_MB_T, PF_MB_V, cr, ci);
    g->shapes = ((unsigned)PF_MB_BITS(card) & lanes ? 1u : 0u) |
                ((unsigned)PF_MB_BITS(bulb) & lanes ? 2u : 0u);
    return g->shapes ? k + PF_MB_FIRST_CHECK : -1;
}

/* The checks of a vector loaded at step k: cardioid and bulb (if `card`),
 * cycles (if `cyc`). */
static inline void PF_MB_FN(pf_mb_schedule)(PF_MB_GROUP *g, PF_MB_V cr, PF_MB_V ci,
                                            unsigned lanes, int64_t k, int card, int cyc)
{
    g->kcard = card ? PF_MB_FN(pf_mb_classic)(g, cr, ci, lanes, k) : -1;
    g->kcyc = cyc && k <= INT64_MAX - PF_MB_CYCLE_FIRST ? k + PF_MB_CYCLE_FIRST : -1;
    PF_MB_FN(pf_mb_set_ktrap)(g);
}

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
            PF_MB_FN(pf_mb_schedule)(g, cr, ci, live, k,
                                     !g->uniform || g->maxiter[0] >= PF_MB_TRAP_MIN_MAXITER,
                                     !g->uniform || g->maxiter[0] >= PF_MB_CYCLE_MIN_MAXITER);
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
    g->ktrap = g->kcard = g->kcyc = -1;
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
 * Trap checks (mandelbrot.h) run between blocks of PF_MB_BLOCK steps, out of
 * the hot loop, for the vectors whose check is due; a vector left without
 * active lanes is finished and refilled there.  knext, the earliest check of
 * any vector, costs one compare per block, so vectors without checks (the
 * deep zoom's) pay next to nothing.  (Checks inside the step loop, through
 * its kend compare, ran 1.35x longer at AVX2: the calls' vector arguments
 * cost the loop its registers.)  The interrupt check is there too, every
 * PF_MANDELBROT_POLL_STEPS steps.
 */
#define PF_MB_BLOCK 8
_Static_assert(PF_MANDELBROT_POLL_STEPS % PF_MB_BLOCK == 0,
               "the interrupt check falls on a block's end");

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

/* Refills vector g at step k.  The common case, a whole vector of contiguous
 * points without NaN and one maxiter for all, is inline; the rest is
 * pf_mb_load's. */
#define PF_MB_REFILL(g, kstep)                                             \
    {                                                                      \
        const int64_t kr = (kstep);                                        \
        PF_MB_V fcr, fci;                                                  \
        PF_MB_ACT fact = all;                                              \
        int quick = 0;                                                     \
        if (fast && io.next + PF_MB_LANES <= io.n) {                       \
            PF_MB_FN(pf_mb_vload)(&io, io.next, &fcr, &fci);               \
            if (__builtin_expect(PF_MB_UNORD(fcr, fci) == 0, 1)) {         \
                grp[g].base = io.next;                                     \
                io.next += PF_MB_LANES;                                    \
                grp[g].own = PF_MB_FULL;                                   \
                grp[g].start = kr;                                         \
                grp[g].kend = mlast > INT64_MAX - kr ? INT64_MAX : kr + mlast; \
                grp[g].uniform = 1;                                        \
                grp[g].maxiter[0] = mlast + 1;                             \
                PF_MB_FN(pf_mb_schedule)(&grp[g], fcr, fci, PF_MB_FULL, kr, traps, cycles); \
                grp[g].trapped = 0;                                        \
                quick = 1;                                                 \
            }                                                              \
        }                                                                  \
        if (!quick) {                                                      \
            PF_MB_FN(pf_mb_lanes) fresh;                                   \
            live -= 1 - PF_MB_FN(pf_mb_load)(&grp[g], &fresh, &io, kr);    \
            fcr = fresh.cr;                                                \
            fci = fresh.ci;                                                \
            fact = fresh.active;                                           \
        }                                                                  \
        cr[g] = fcr;                                                       \
        ci[g] = fci;                                                       \
        active[g] = fact;                                                  \
        count[g] = (PF_MB_IV){0};                                          \
        zr[g] = zero + fcr; /* z_1 = (0 + cr, 0 + ci) */                   \
        zi[g] = zero + fci;                                                \
        PF_MB_NOTE_CHECK(g)                                                \
    }

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
    const PF_MB_ACT all = PF_MB_ACT_FROM(PF_MB_FULL);
    /* The quick refill: contiguous c, one maxiter in 2 ... PF_MB_ITMAX. */
    const int64_t m0 = n > 0 ? pf_mb_maxiter(&io, 0) : 0;
    const int fast = PF_MB_FN(pf_mb_vloadable)(&io) && io.ms == 0 && m0 >= 2 &&
                     m0 <= PF_MB_ITMAX;
    /* Only the quick refill uses it; computed only then, since m0 - 1
     * overflows (undefined behaviour) for maxiter == INT64_MIN. */
    const int64_t mlast = fast ? m0 - 1 : 0;
    const int traps = mlast + 1 >= PF_MB_TRAP_MIN_MAXITER;
    const int cycles = mlast + 1 >= PF_MB_CYCLE_MIN_MAXITER;
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

#endif
