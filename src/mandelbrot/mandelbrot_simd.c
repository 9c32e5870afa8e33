/*
 * The Mandelbrot kernels at the vector levels, compiled once per level
 * (runtime/simd_target.h: PF_LEVEL, PF_VBYTES).  The level-specific pieces,
 * defined below for each level:
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
 * The loop itself is mandelbrot_simd_body.h, included here once per floating
 * type with the PF_MB_* parameters of that type defined.
 */
#include "runtime/simd_target.h"

#include <string.h>

#include "mandelbrot/mandelbrot.h"
#include "runtime/fp_flags.h"

#if defined(PF_BUILD_AVX512)
#define PF_MB_KMASK 1
#define PF_MB_BITS_64(v) _mm512_movepi64_mask((__m512i)(v))
#define PF_MB_BITS_32(v) _mm512_movepi32_mask((__m512i)(v))
#define PF_MB_UNORD_64(a, b) _mm512_cmp_pd_mask((__m512d)(a), (__m512d)(b), _CMP_UNORD_Q)
#define PF_MB_UNORD_32(a, b) _mm512_cmp_ps_mask((__m512)(a), (__m512)(b), _CMP_UNORD_Q)
#define PF_MB_SQRT_64(v) ((PF_MB_V)_mm512_sqrt_pd((__m512d)(v)))
#define PF_MB_SQRT_32(v) ((PF_MB_V)_mm512_sqrt_ps((__m512)(v)))
#elif defined(PF_BUILD_NEON)
#define PF_MB_KMASK 0
#define PF_MB_BITS_64(v) pf_neon_bits64((int64x2_t)(v))
#define PF_MB_BITS_32(v) pf_neon_bits32((int32x4_t)(v))
#define PF_MB_UNORD_64(a, b) pf_neon_unord64((float64x2_t)(a), (float64x2_t)(b))
#define PF_MB_UNORD_32(a, b) pf_neon_unord32((float32x4_t)(a), (float32x4_t)(b))
#define PF_MB_SQRT_64(v) ((PF_MB_V)vsqrtq_f64((float64x2_t)(v)))
#define PF_MB_SQRT_32(v) ((PF_MB_V)vsqrtq_f32((float32x4_t)(v)))
#else
#define PF_MB_KMASK 0
#define PF_MB_BITS_64(v) _mm256_movemask_pd((__m256d)(v))
#define PF_MB_BITS_32(v) _mm256_movemask_ps((__m256)(v))
#define PF_MB_UNORD_64(a, b) _mm256_movemask_pd(_mm256_cmp_pd((__m256d)(a), (__m256d)(b), _CMP_UNORD_Q))
#define PF_MB_UNORD_32(a, b) _mm256_movemask_ps(_mm256_cmp_ps((__m256)(a), (__m256)(b), _CMP_UNORD_Q))
#define PF_MB_SQRT_64(v) ((PF_MB_V)_mm256_sqrt_pd((__m256d)(v)))
#define PF_MB_SQRT_32(v) ((PF_MB_V)_mm256_sqrt_ps((__m256)(v)))
#endif

/* Vectors iterated side by side: one vector's step is a chain of three
 * dependent operations, so several independent vectors keep the FP units
 * busy. */
#define PF_MB_GROUPS 4
#define PF_MB_EACH_GROUP(X) X(0) X(1) X(2) X(3)

/* Trap checks run between blocks of PF_MB_BLOCK steps (mandelbrot_simd_body.h). */
#define PF_MB_BLOCK 8
_Static_assert(PF_MANDELBROT_POLL_STEPS % PF_MB_BLOCK == 0,
               "the interrupt check falls on a block's end");

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
#define PF_MB_POINT pf_mandelbrot_point_f64
#define PF_MB_FILL pf_mb_fill_f64
#define PF_MB_SQRT PF_MB_SQRT_64
#define PF_MB_U 0x1p-53
#define PF_MB_CYCLE_FLOOR PF_MB_CYCLE_FLOOR_F64
#define PF_MB_CYCLE_NEAR PF_MB_CYCLE_NEAR_F64
#include "mandelbrot/mandelbrot_simd_body.h"

#define PF_MB_T float
#define PF_MB_TBYTES 4
#define PF_MB_IT int32_t
#define PF_MB_ITMAX INT32_MAX
#define PF_MB_SUFFIX f32
#define PF_MB_CSUFFIX c64
#define PF_MB_BITS PF_MB_BITS_32
#define PF_MB_UNORD PF_MB_UNORD_32
#define PF_MB_POINT pf_mandelbrot_point_f32
#define PF_MB_FILL pf_mb_fill_f32
#define PF_MB_SQRT PF_MB_SQRT_32
#define PF_MB_U 0x1p-24f
#define PF_MB_CYCLE_FLOOR PF_MB_CYCLE_FLOOR_F32
#define PF_MB_CYCLE_NEAR PF_MB_CYCLE_NEAR_F32
#include "mandelbrot/mandelbrot_simd_body.h"
