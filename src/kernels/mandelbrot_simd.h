/*
 * SIMD template of the Mandelbrot kernels, included once per level by
 * mandelbrot_<level>.c after that file has chosen its instruction set with
 * `#pragma GCC target` (never "fma").  The includer defines:
 *   PF_LEVEL        suffix of the symbols (avx2, avx512)
 *   PF_VBYTES       vector width in bytes
 *   PF_MB_GROUPS    vectors iterated side by side (2 to 4): one vector's step
 *                   is a chain of three dependent operations, so several
 *                   independent vectors keep the FP units busy
 *   PF_MB_ESCAPED_F64(s), PF_MB_ESCAPED_F32(s)  bitmask of lanes with !(s < 4)
 *   PF_MB_UNORD_F64(s),   PF_MB_UNORD_F32(s)    bitmask of NaN lanes
 * (the comparisons are the quiet ones; flags are restored anyway).
 *
 * Scheme.  Each of the PF_MB_GROUPS vectors holds PF_VBYTES/sizeof(T)
 * consecutive points, gathered through NumPy's strides (so contiguous and
 * strided input take the same path and give the same bits).  All vectors step
 * together: one global step counter k, and a vector loaded at step `start`
 * tests z_j with j = k - start.  A lane leaves when it escapes (count j; NaN
 * gives maxiter, see mandelbrot.h) or when j reaches its own maxiter-1
 * (count maxiter); `kend` is the step at which the next lane of the vector
 * hits its limit, so the hot loop only compares one integer.  A vector whose
 * lanes have all left is refilled with the next points while the others go
 * on; points with maxiter < 2 never take a lane.  A short last vector leaves
 * its spare lanes at c = 0, inactive.  The arithmetic is the scalar sequence
 * lane by lane, hence bit-identical to mandelbrot_scalar.c.
 *
 * The file includes itself once per floating type (the part after #else).
 */
#ifndef PF_MB_T

#include <string.h>
#include "kernels/mandelbrot.h"

#define PF_CAT_(a, b) a##_##b
#define PF_CAT(a, b) PF_CAT_(a, b)
#define PF_NAME(base) PF_CAT(base, PF_LEVEL)

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

#define PF_MB_T double
#define PF_MB_SUFFIX f64
#define PF_MB_CSUFFIX c128
#define PF_MB_ESCAPED PF_MB_ESCAPED_F64
#define PF_MB_UNORD PF_MB_UNORD_F64
#include "kernels/mandelbrot_simd.h"
#undef PF_MB_T
#undef PF_MB_SUFFIX
#undef PF_MB_CSUFFIX
#undef PF_MB_ESCAPED
#undef PF_MB_UNORD

#define PF_MB_T float
#define PF_MB_SUFFIX f32
#define PF_MB_CSUFFIX c64
#define PF_MB_ESCAPED PF_MB_ESCAPED_F32
#define PF_MB_UNORD PF_MB_UNORD_F32
#include "kernels/mandelbrot_simd.h"
#undef PF_MB_T
#undef PF_MB_SUFFIX
#undef PF_MB_CSUFFIX
#undef PF_MB_ESCAPED
#undef PF_MB_UNORD

#else /* one floating type: PF_MB_T, PF_MB_SUFFIX, PF_MB_CSUFFIX, ... */

#define PF_MB_LANES ((int)(PF_VBYTES / sizeof(PF_MB_T)))
#define PF_MB_V PF_CAT(pf_mb_vec, PF_MB_SUFFIX)
#define PF_MB_GROUP PF_CAT(pf_mb_group, PF_MB_SUFFIX)
#define PF_MB_FN(base) PF_CAT(base, PF_MB_SUFFIX)

typedef PF_MB_T PF_MB_V __attribute__((vector_size(PF_VBYTES)));

/* The bookkeeping of one vector; only the cold path touches more than
 * `active` and `kend`. */
typedef struct {
    unsigned active;  /* lanes still iterating */
    int64_t kend;     /* step at which the next active lane reaches its limit, -1 if none */
    int64_t start;    /* step at which the vector was loaded */
    intptr_t base;    /* index of lane 0's point */
    int64_t maxiter[PF_MB_LANES];
} PF_MB_GROUP;

/* kend = start + the smallest maxiter-1 of the active lanes, saturated: a
 * lane whose limit lies beyond INT64_MAX steps never reaches it. */
static inline void PF_MB_FN(pf_mb_set_kend)(PF_MB_GROUP *g)
{
    if (g->active == 0) {
        g->kend = -1;
        return;
    }
    int64_t least = INT64_MAX;
    for (unsigned b = g->active; b != 0; b &= b - 1) {
        const int64_t last = g->maxiter[__builtin_ctz(b)] - 1;
        if (last < least)
            least = last;
    }
    g->kend = least > INT64_MAX - g->start ? INT64_MAX : g->start + least;
}

/* Lanes `esc` left at step k (NaN lanes among them in `nan`), and lanes at
 * their limit if k == kend: write their counts, drop them. */
static void PF_MB_FN(pf_mb_settle)(PF_MB_GROUP *g, unsigned esc, unsigned nan,
                                   int64_t k, const pf_mb_io *io)
{
    const int64_t j = k - g->start;
    for (unsigned b = esc; b != 0; b &= b - 1) {
        const int l = __builtin_ctz(b);
        pf_mb_store(io, g->base + l, (nan >> l) & 1u ? g->maxiter[l] : j);
    }
    unsigned active = g->active & ~esc;
    if (k == g->kend) {
        for (unsigned b = active; b != 0; b &= b - 1) {
            const int l = __builtin_ctz(b);
            if (g->maxiter[l] - 1 == j) {
                pf_mb_store(io, g->base + l, g->maxiter[l]);
                active &= ~(1u << l);
            }
        }
    }
    g->active = active;
    PF_MB_FN(pf_mb_set_kend)(g);
}

/* Fills the vector with the next points that need iterating (at step k);
 * returns 0, with c = 0 and no active lane, when none are left. */
static int PF_MB_FN(pf_mb_load)(PF_MB_GROUP *g, PF_MB_V *cr, PF_MB_V *ci,
                                pf_mb_io *io, int64_t k)
{
    PF_MB_T re[PF_MB_LANES], im[PF_MB_LANES];
    while (io->next < io->n) {
        const intptr_t base = io->next;
        const intptr_t count = io->n - base < PF_MB_LANES ? io->n - base : PF_MB_LANES;
        io->next += count;
        unsigned active = 0;
        for (int l = 0; l < PF_MB_LANES; l++) {
            re[l] = 0;
            im[l] = 0;
        }
        for (int l = 0; l < count; l++) {
            const intptr_t i = base + l;
            const int64_t maxiter = *(const int64_t *)(io->maxiter + i * io->ms);
            if (maxiter < 2) {
                pf_mb_store(io, i, maxiter < 1 ? 0 : 1);
                continue;
            }
            const PF_MB_T *c = (const PF_MB_T *)(io->c + i * io->cs);
            re[l] = c[0];
            im[l] = c[1];
            g->maxiter[l] = maxiter;
            active |= 1u << l;
        }
        if (active != 0) {
            memcpy(cr, re, sizeof *cr);
            memcpy(ci, im, sizeof *ci);
            g->base = base;
            g->active = active;
            g->start = k;
            PF_MB_FN(pf_mb_set_kend)(g);
            return 1;
        }
    }
    *cr = (PF_MB_V){0};
    *ci = (PF_MB_V){0};
    g->active = 0;
    g->kend = -1;
    return 0;
}

/* One step of vector g: test z_j, compute z_{j+1}; settle and refill on the
 * rare steps where a lane leaves. */
#define PF_MB_STEP(g)                                                      \
    {                                                                      \
        const PF_MB_V rr = zr[g] * zr[g], ii = zi[g] * zi[g];              \
        const PF_MB_V ri = zr[g] * zi[g];                                  \
        const PF_MB_V s = rr + ii;                                         \
        zr[g] = rr - ii + cr[g];                                           \
        zi[g] = ri + ri + ci[g];                                           \
        const unsigned esc = (unsigned)PF_MB_ESCAPED(s) & grp[g].active;   \
        if (__builtin_expect(esc != 0 || k == grp[g].kend, 0)) {           \
            PF_MB_FN(pf_mb_settle)(&grp[g], esc, (unsigned)PF_MB_UNORD(s), k, &io); \
            if (grp[g].active == 0) {                                      \
                PF_MB_V a, b;                                              \
                live -= 1 - PF_MB_FN(pf_mb_load)(&grp[g], &a, &b, &io, k); \
                cr[g] = a;                                                 \
                ci[g] = b;                                                 \
                zr[g] = zero + a;                                          \
                zi[g] = zero + b;                                          \
            }                                                              \
        }                                                                  \
    }

#define PF_MB_INIT(g)                                                      \
    {                                                                      \
        PF_MB_V a, b;                                                      \
        live += PF_MB_FN(pf_mb_load)(&grp[g], &a, &b, &io, 0);             \
        cr[g] = a;                                                         \
        ci[g] = b;                                                         \
        zr[g] = zero + a; /* z_1 = (0 + cr, 0 + ci) */                     \
        zi[g] = zero + b;                                                  \
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
    const PF_MB_V zero = {0};
    PF_MB_V cr[PF_MB_GROUPS], ci[PF_MB_GROUPS], zr[PF_MB_GROUPS], zi[PF_MB_GROUPS];
    PF_MB_GROUP grp[PF_MB_GROUPS];
    int live = 0;
    PF_MB_EACH_GROUP(PF_MB_INIT)
    for (int64_t k = 1; live > 0; k++) {
        PF_MB_EACH_GROUP(PF_MB_STEP)
    }
    pf_fpflags_restore(&saved);
}

#undef PF_MB_LANES
#undef PF_MB_V
#undef PF_MB_GROUP
#undef PF_MB_FN

#endif
