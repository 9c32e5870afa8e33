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
#elif defined(PF_BUILD_NEON)
#define PF_MB_GROUPS 4
#define PF_MB_KMASK 0
#define PF_MB_BITS_64(v) pf_neon_bits64((int64x2_t)(v))
#define PF_MB_BITS_32(v) pf_neon_bits32((int32x4_t)(v))
#define PF_MB_UNORD_64(a, b) pf_neon_unord64((float64x2_t)(a), (float64x2_t)(b))
#define PF_MB_UNORD_32(a, b) pf_neon_unord32((float32x4_t)(a), (float32x4_t)(b))
#else
#define PF_MB_GROUPS 4
#define PF_MB_KMASK 0
#define PF_MB_BITS_64(v) _mm256_movemask_pd((__m256d)(v))
#define PF_MB_BITS_32(v) _mm256_movemask_ps((__m256)(v))
#define PF_MB_UNORD_64(a, b) _mm256_movemask_pd(_mm256_cmp_pd((__m256d)(a), (__m256d)(b), _CMP_UNORD_Q))
#define PF_MB_UNORD_32(a, b) _mm256_movemask_ps(_mm256_cmp_ps((__m256)(a), (__m256)(b), _CMP_UNORD_Q))
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
 * not yet handed to a lane. */
typedef struct {
    const char *c, *maxiter;
    char *out;
    intptr_t cs, ms, os;
    intptr_t n, next;
} pf_mb_io;

static inline void pf_mb_store(const pf_mb_io *io, intptr_t i, int64_t count)
{
    *(int64_t *)(io->out + i * io->os) = count;
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
#define PF_MB_POINT pf_mandelbrot_point_f64
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

#define PF_MB_T float
#define PF_MB_TBYTES 4
#define PF_MB_IT int32_t
#define PF_MB_ITMAX INT32_MAX
#define PF_MB_SUFFIX f32
#define PF_MB_CSUFFIX c64
#define PF_MB_BITS PF_MB_BITS_32
#define PF_MB_UNORD PF_MB_UNORD_32
#define PF_MB_POINT pf_mandelbrot_point_f32
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

/* Loads the next points that need iterating, at step k.  Returns 0, with
 * c = 0 and no lane active, when none are left. */
static int PF_MB_FN(pf_mb_load)(PF_MB_GROUP *g, PF_MB_FN(pf_mb_lanes) *lanes,
                                pf_mb_io *io, int64_t k)
{
    while (io->next < io->n) {
        const intptr_t base = io->next;
        const intptr_t count = io->n - base < PF_MB_LANES ? io->n - base : PF_MB_LANES;
        io->next += count;
        PF_MB_V cr, ci;
        if (count == PF_MB_LANES && io->cs == 2 * (intptr_t)sizeof(PF_MB_T)) {
            /* Contiguous: (re, im) pairs, split by one shuffle each. */
            PF_MB_FN(pf_mb_split)(io->c + base * io->cs, &cr, &ci);
        } else {
            PF_MB_T re[PF_MB_LANES] = {0}, im[PF_MB_LANES] = {0};
            for (int l = 0; l < count; l++) {
                const PF_MB_T *c = (const PF_MB_T *)(io->c + (base + l) * io->cs);
                re[l] = c[0];
                im[l] = c[1];
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
                const PF_MB_T *c = (const PF_MB_T *)(io->c + (base + l) * io->cs);
                result = PF_MB_POINT(c[0], c[1], m);
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

/* Stores count + 1 for the lanes holding points. */
static inline void PF_MB_FN(pf_mb_finish)(const PF_MB_GROUP *g, PF_MB_IV count,
                                           const pf_mb_io *io)
{
    const PF_MB_I64V result = __builtin_convertvector(count, PF_MB_I64V) + 1;
    if (__builtin_expect(g->own == PF_MB_FULL && io->os == (intptr_t)sizeof(int64_t), 1)) {
        memcpy(io->out + g->base * io->os, &result, sizeof result);
        return;
    }
    for (unsigned b = g->own; b != 0; b &= b - 1) {
        const int l = __builtin_ctz(b);
        pf_mb_store(io, g->base + l, result[l]);
    }
}

/* One step of vector g: test z_j, compute z_{j+1}, count the survivors. */
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

/* Refills vector g at step k.  The common case, a whole vector of contiguous
 * points without NaN and one maxiter for all, is inline; the rest is
 * pf_mb_load's. */
#define PF_MB_REFILL(g, k)                                                 \
    {                                                                      \
        PF_MB_V fcr, fci;                                                  \
        PF_MB_ACT fact = all;                                              \
        int quick = 0;                                                     \
        if (fast && io.next <= last_whole) {                               \
            PF_MB_FN(pf_mb_split)(io.c + io.next * io.cs, &fcr, &fci);     \
            if (__builtin_expect(PF_MB_UNORD(fcr, fci) == 0, 1)) {         \
                grp[g].base = io.next;                                     \
                io.next += PF_MB_LANES;                                    \
                grp[g].own = PF_MB_FULL;                                   \
                grp[g].start = (k);                                        \
                grp[g].kend = mlast > INT64_MAX - (k) ? INT64_MAX : (k) + mlast; \
                grp[g].uniform = 1;                                        \
                grp[g].maxiter[0] = mlast + 1;                             \
                quick = 1;                                                 \
            }                                                              \
        }                                                                  \
        if (!quick) {                                                      \
            PF_MB_FN(pf_mb_lanes) fresh;                                   \
            live -= 1 - PF_MB_FN(pf_mb_load)(&grp[g], &fresh, &io, (k));   \
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
    }

PF_KERNEL(PF_NAME(PF_CAT(pf_mandelbrot, PF_MB_CSUFFIX)))
{
    (void)core_dims;
    (void)hints;
    pf_mb_io io = {
        .c = args[0], .maxiter = args[1], .out = args[2],
        .cs = steps[0], .ms = steps[1], .os = steps[2],
        .n = n, .next = 0,
    };
    pf_fpflags saved;
    pf_fpflags_save(&saved);
    const PF_MB_V zero = {0}, four = zero + 4;
    const PF_MB_IV one = (PF_MB_IV){0} + 1;
    (void)one;
    PF_MB_V cr[PF_MB_GROUPS], ci[PF_MB_GROUPS], zr[PF_MB_GROUPS], zi[PF_MB_GROUPS];
    PF_MB_ACT active[PF_MB_GROUPS];
    PF_MB_IV count[PF_MB_GROUPS];
    PF_MB_GROUP grp[PF_MB_GROUPS];
    int live = PF_MB_GROUPS;
    const PF_MB_ACT all = PF_MB_ACT_FROM(PF_MB_FULL);
    /* The quick refill: contiguous c, one maxiter in 2 ... PF_MB_ITMAX. */
    const int64_t m0 = n > 0 ? pf_mb_maxiter(&io, 0) : 0;
    const int fast = io.cs == 2 * (intptr_t)sizeof(PF_MB_T) && io.ms == 0 && m0 >= 2 &&
                     m0 <= PF_MB_ITMAX;
    /* Only the quick refill uses it; computed only then, since m0 - 1
     * overflows (undefined behaviour) for maxiter == INT64_MIN. */
    const int64_t mlast = fast ? m0 - 1 : 0;
    const intptr_t last_whole = n - PF_MB_LANES;
#define PF_MB_INIT(g) PF_MB_REFILL(g, 0)
    PF_MB_EACH_GROUP(PF_MB_INIT)
#undef PF_MB_INIT
    for (int64_t k = 1; live > 0; k++) {
        PF_MB_EACH_GROUP(PF_MB_STEP)
    }
    pf_fpflags_restore(&saved);
}

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
