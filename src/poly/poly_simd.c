/*
 * The polynomial kernels at the vector levels, compiled once per level
 * (runtime/simd_target.h).  Written with GCC vector extensions so one body
 * serves every width; the arithmetic is the scalar sequence of operations
 * lane by lane, hence bit-identical.
 */
#include "runtime/simd_target.h"

#include <string.h>

#include "poly/poly.h"

typedef double pf_vf64 __attribute__((vector_size(PF_VBYTES)));
typedef float pf_vf32 __attribute__((vector_size(PF_VBYTES)));

/* Unaligned vector access without breaking strict aliasing: compiles to one
 * unaligned load/store. */
#define PF_DEFINE_VLOADSTORE(V, T)                                         \
    static inline V PF_CAT(load, V)(const T *p)                            \
    {                                                                      \
        V v;                                                               \
        memcpy(&v, p, sizeof v);                                           \
        return v;                                                          \
    }                                                                      \
    static inline void PF_CAT(store, V)(T *p, V v) { memcpy(p, &v, sizeof v); }

PF_DEFINE_VLOADSTORE(pf_vf64, double)
PF_DEFINE_VLOADSTORE(pf_vf32, float)

/* Every lane set to `value`, signed zeros and NaN payloads included (0 + value
 * would turn -0.0 into +0.0). */
#define PF_DEFINE_VBROADCAST(V, T)                                         \
    static inline V PF_CAT(broadcast, V)(T value)                          \
    {                                                                      \
        V v;                                                               \
        for (unsigned i = 0; i < sizeof v / sizeof value; i++)             \
            v[i] = value;                                                  \
        return v;                                                          \
    }

PF_DEFINE_VBROADCAST(pf_vf64, double)
PF_DEFINE_VBROADCAST(pf_vf32, float)

/*
 * Contiguous poly8.  With PF_HINT_STREAM the head is computed scalar until the
 * destination is vector-aligned, as the non-temporal stores require.
 */
#define PF_DEFINE_POLY8_SIMD(T, V, suffix, eval, stream)                   \
    static void PF_CAT(poly8_contig, suffix)(const T *x, T *y, intptr_t n, \
                                             int use_stream)              \
    {                                                                      \
        enum { lanes = PF_VBYTES / sizeof(T) };                            \
        intptr_t i = 0;                                                    \
        if (use_stream) {                                                  \
            for (; i < n && ((uintptr_t)(y + i) % PF_VBYTES) != 0; i++)    \
                y[i] = eval(x[i]);                                         \
        }                                                                  \
        for (; i + lanes <= n; i += lanes) {                               \
            const V v = PF_CAT(load, V)(x + i);                            \
            const V p = PF_POLY8_REAL(v);                                  \
            if (use_stream)                                                \
                stream(y + i, p);                                          \
            else                                                           \
                PF_CAT(store, V)(y + i, p);                                \
        }                                                                  \
        for (; i < n; i++) y[i] = eval(x[i]);                              \
        if (use_stream) PF_STREAM_FENCE();                                      \
    }                                                                      \
                                                                           \
    PF_KERNEL(PF_NAME(pf_poly8_##suffix))                                  \
    {                                                                      \
        (void)core_dims;                                                   \
        const intptr_t is = steps[0], os = steps[1];                       \
        if (is == sizeof(T) && os == sizeof(T)) {                          \
            PF_CAT(poly8_contig, suffix)((const T *)args[0], (T *)args[1], n, \
                                         (hints & PF_HINT_STREAM) != 0);   \
            return;                                                        \
        }                                                                  \
        for (intptr_t i = 0; i < n; i++)                                   \
            *(T *)(args[1] + i * os) = eval(*(const T *)(args[0] + i * is)); \
    }

PF_DEFINE_POLY8_SIMD(double, pf_vf64, f64, pf_poly8_f64, PF_STREAM_F64)
PF_DEFINE_POLY8_SIMD(float, pf_vf32, f32, pf_poly8_f32, PF_STREAM_F32)

/*
 * polyval with one coefficient vector shared by contiguous x and out (the
 * common broadcast case) runs lanes over x; anything else takes the scalar
 * path, which evaluates the same sequence.
 */
#define PF_DEFINE_POLYVAL_SIMD(T, V, suffix)                               \
    PF_KERNEL(PF_NAME(pf_polyval_##suffix))                                \
    {                                                                      \
        (void)hints;                                                       \
        enum { lanes = PF_VBYTES / sizeof(T) };                            \
        const intptr_t ncoef = core_dims[0];                               \
        const intptr_t xs = steps[0], cs = steps[1], os = steps[2];        \
        const intptr_t ccore = steps[3];                                   \
        intptr_t i = 0;                                                    \
        if (cs == 0 && xs == sizeof(T) && os == sizeof(T) && ncoef > 0) {  \
            const T *x = (const T *)args[0];                               \
            T *y = (T *)args[2];                                           \
            const char *c = args[1];                                       \
            const T top = *(const T *)(c + (ncoef - 1) * ccore);           \
            for (; i + lanes <= n; i += lanes) {                           \
                const V v = PF_CAT(load, V)(x + i);                        \
                V p = PF_CAT(broadcast, V)(top);                           \
                for (intptr_t k = ncoef - 2; k >= 0; k--)                  \
                    p = *(const T *)(c + k * ccore) + p * v;               \
                PF_CAT(store, V)(y + i, p);                                \
            }                                                              \
        }                                                                  \
        for (; i < n; i++) {                                               \
            const T x = *(const T *)(args[0] + i * xs);                    \
            const char *c = args[1] + i * cs;                              \
            T result;                                                      \
            PF_POLYVAL_HORNER(T, x, c, ccore, ncoef, result);              \
            *(T *)(args[2] + i * os) = result;                             \
        }                                                                  \
    }

PF_DEFINE_POLYVAL_SIMD(double, pf_vf64, f64)
PF_DEFINE_POLYVAL_SIMD(float, pf_vf32, f32)
