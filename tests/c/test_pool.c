/*
 * The thread pool and its thread layer (runtime/threads.h) on their own, with
 * no Python: a C unit test, built by meson (target test_pool, also a meson
 * test) and run by tests/test_runtime.py (which builds the plain-C core with
 * meson), natively by .ci/aarch64.sh under qemu and by .ci/windows.sh under
 * wine, where the Python extension cannot run.  For thread counts 1 to 8 it checks that
 *   - every index of [0, n) is handed out exactly once, for many n and grains;
 *   - poly8 and mandelbrot split over the pool, at every SIMD level the CPU
 *     has, give the bits of the scalar kernel run in one piece;
 *   - a floating-point flag raised in a worker reaches the caller;
 *   - two callers at once both get whole results (one runs on its own thread);
 *   - a watched call (runtime/interrupt.h) of mandelbrot points that never
 *     escape, at every SIMD level, stops soon after its poll says so, with
 *     no count written, and the pool works normally afterwards;
 * and prints what the OS said about CPUs and caches.
 * Usage: test_pool [MAX_THREADS]; exits non-zero on the first failure.
 */
#include <fenv.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mandelbrot/mandelbrot.h"
#include "poly/poly.h"
#include "runtime/cpu_features.h"
#include "runtime/interrupt.h"
#include "runtime/thread_pool.h"
#include "runtime/threads.h"

/* The kernels, from the generated plain-C table (src/codegen/generate.py). */
#include "kernels.h"

/* poly8's and mandelbrot's float64 loops, one kernel per level (main). */
static const pf_kernel_fn *poly8_64, *mandel128;

#define FAIL(...)                                                           \
    do {                                                                    \
        fprintf(stderr, "test_pool: " __VA_ARGS__);                         \
        fputc('\n', stderr);                                                \
        exit(1);                                                            \
    } while (0)

/* Coverage: every index visited once. */
typedef struct {
    atomic_int *visits;
} cover_ctx;

static void cover_range(void *ctx_, intptr_t begin, intptr_t end)
{
    cover_ctx *ctx = ctx_;
    for (intptr_t i = begin; i < end; i++)
        atomic_fetch_add_explicit(&ctx->visits[i], 1, memory_order_relaxed);
}

static void check_coverage(int nthreads)
{
    static const intptr_t sizes[] = {1, 2, 63, 64, 65, 1000, 4097, 100000};
    static const intptr_t grains[] = {1, 7, 64, 4096};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        for (size_t g = 0; g < sizeof grains / sizeof *grains; g++) {
            const intptr_t n = sizes[s];
            atomic_int *visits = calloc((size_t)n, sizeof *visits);
            if (visits == NULL)
                FAIL("out of memory");
            cover_ctx ctx = {visits};
            pf_parallel_for(n, 1, grains[g], cover_range, &ctx);
            for (intptr_t i = 0; i < n; i++)
                if (atomic_load(&visits[i]) != 1)
                    FAIL("%d threads, n=%ld grain=%ld: index %ld visited %d times", nthreads,
                         (long)n, (long)grains[g], (long)i, atomic_load(&visits[i]));
            free(visits);
        }
    }
}

/* A kernel applied block by block, as the extension's parallel loop does. */
typedef struct {
    pf_kernel_fn kernel;
    char *in, *aux, *out;
    intptr_t in_size, aux_step, out_size;
    int nargs;
} kernel_ctx;

static void kernel_range(void *ctx_, intptr_t begin, intptr_t end)
{
    const kernel_ctx *ctx = ctx_;
    if (ctx->nargs == 2) {
        char *args[2] = {ctx->in + begin * ctx->in_size, ctx->out + begin * ctx->out_size};
        const intptr_t steps[2] = {ctx->in_size, ctx->out_size};
        ctx->kernel(args, end - begin, NULL, steps, 0u);
    } else {
        char *args[3] = {ctx->in + begin * ctx->in_size, ctx->aux + begin * ctx->aux_step,
                         ctx->out + begin * ctx->out_size};
        const intptr_t steps[3] = {ctx->in_size, ctx->aux_step, ctx->out_size};
        ctx->kernel(args, end - begin, NULL, steps, 0u);
    }
}

static double *poly_in, *poly_ref, *mb_in;
static int64_t *mb_ref, mb_maxiter = 200;
enum { POLY_N = 200003, MB_N = 20011 };

static void make_inputs(void)
{
    poly_in = malloc(POLY_N * sizeof *poly_in);
    poly_ref = malloc(POLY_N * sizeof *poly_ref);
    mb_in = malloc(2 * MB_N * sizeof *mb_in);
    mb_ref = malloc(MB_N * sizeof *mb_ref);
    if (!poly_in || !poly_ref || !mb_in || !mb_ref)
        FAIL("out of memory");
    uint64_t state = 12345;
    for (int i = 0; i < POLY_N; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        poly_in[i] = ((double)(state >> 11) / 9007199254740992.0 - 0.5) * 4;
    }
    for (int i = 0; i < MB_N; i++) { /* a grid over the set's neighbourhood */
        mb_in[2 * i] = -2.0 + 2.5 * (double)(i % 211) / 211;
        mb_in[2 * i + 1] = -1.25 + 2.5 * (double)(i / 211) / 95;
    }
    kernel_ctx poly = {poly8_64[0], (char *)poly_in, NULL, (char *)poly_ref, 8, 0, 8, 2};
    kernel_range(&poly, 0, POLY_N);
    kernel_ctx mb = {mandel128[0], (char *)mb_in, (char *)&mb_maxiter, (char *)mb_ref,
                     16, 0, 8, 3};
    kernel_range(&mb, 0, MB_N);
}

static void check_kernels(int nthreads)
{
    const pf_simd_level best = pf_cpu_best_simd_level();
    double *poly_out = malloc(POLY_N * sizeof *poly_out);
    int64_t *mb_out = malloc(MB_N * sizeof *mb_out);
    if (!poly_out || !mb_out)
        FAIL("out of memory");
    for (int level = 0; level <= (int)best; level++) {
        memset(poly_out, 0, POLY_N * sizeof *poly_out);
        kernel_ctx poly = {poly8_64[level], (char *)poly_in, NULL, (char *)poly_out, 8, 0, 8, 2};
        pf_parallel_for(POLY_N, 1024, 64, kernel_range, &poly);
        if (memcmp(poly_out, poly_ref, POLY_N * sizeof *poly_out) != 0)
            FAIL("%d threads, level %s: poly8 differs from scalar", nthreads,
                 pf_simd_level_name((pf_simd_level)level));
        memset(mb_out, 0, MB_N * sizeof *mb_out);
        kernel_ctx mb = {mandel128[level], (char *)mb_in, (char *)&mb_maxiter, (char *)mb_out,
                         16, 0, 8, 3};
        pf_parallel_for(MB_N, 256, 16, kernel_range, &mb);
        if (memcmp(mb_out, mb_ref, MB_N * sizeof *mb_out) != 0)
            FAIL("%d threads, level %s: mandelbrot differs from scalar", nthreads,
                 pf_simd_level_name((pf_simd_level)level));
    }
    free(poly_out);
    free(mb_out);
}

/* Only the last block divides by zero; the caller must see FE_DIVBYZERO
 * whichever thread ran it. */
static volatile double zero = 0.0;
static void divide_range(void *ctx_, intptr_t begin, intptr_t end)
{
    double *sink = ctx_;
    for (intptr_t i = begin; i < end; i++)
        if (i == 99999)
            sink[0] = 1.0 / zero;
}

static void check_fp_flags(int nthreads)
{
    double sink[1];
    for (int round = 0; round < 20; round++) {
        feclearexcept(FE_ALL_EXCEPT);
        pf_parallel_for(100000, 1, 64, divide_range, sink);
        if (!fetestexcept(FE_DIVBYZERO))
            FAIL("%d threads: a worker's FE_DIVBYZERO did not reach the caller", nthreads);
    }
    feclearexcept(FE_ALL_EXCEPT);
}

/* The poll of check_interrupt's watch: stop at the first poll. */
static int stop_now(void *polls)
{
    (*(int *)polls)++;
    return 1;
}

static void check_interrupt(int nthreads)
{
    enum { N = 4099 };
    const pf_simd_level best = pf_cpu_best_simd_level();
    /* c = 1/4, the cusp: never escapes, and no trap (mandelbrot_traps.h) proves it,
     * so every step runs */
    double *c = calloc(2 * N, sizeof *c);
    int64_t *out = malloc(N * sizeof *out);
    if (!c || !out)
        FAIL("out of memory");
    for (int i = 0; i < N; i++)
        c[2 * i] = 0.25;
    int64_t forever = INT64_MAX;
    for (int level = 0; level <= (int)best; level++) {
        for (int i = 0; i < N; i++)
            out[i] = -7;
        kernel_ctx mb = {mandel128[level], (char *)c, (char *)&forever, (char *)out,
                         16, 0, 8, 3};
        int polls = 0;
        pf_watch watch;
        const int64_t t0 = pf_monotonic_ns();
        pf_watch_begin(&watch, stop_now, &polls);
        pf_parallel_for(N, 256, 16, kernel_range, &mb);
        pf_watch_end(&watch);
        const double seconds = (double)(pf_monotonic_ns() - t0) * 1e-9;
        if (!pf_watch_stopped(&watch) || polls != 1)
            FAIL("%d threads, level %s: the watch did not stop the call (%d polls)", nthreads,
                 pf_simd_level_name((pf_simd_level)level), polls);
        if (seconds > 2.0) /* the poll comes after 50 ms; wine is slow */
            FAIL("%d threads, level %s: the call stopped only after %.2f s", nthreads,
                 pf_simd_level_name((pf_simd_level)level), seconds);
        for (int i = 0; i < N; i++)
            if (out[i] != -7)
                FAIL("%d threads, level %s: point %d got %lld from an interrupted call",
                     nthreads, pf_simd_level_name((pf_simd_level)level), i, (long long)out[i]);
    }
    free(c);
    free(out);
    check_kernels(nthreads); /* the pool is whole */
}

/* Two callers at once: one owns the pool, the other runs serially. */
typedef struct {
    atomic_int done;
    int ok;
} second_caller;

static void second_caller_main(void *arg)
{
    second_caller *caller = arg;
    double *out = malloc(POLY_N * sizeof *out);
    caller->ok = out != NULL;
    for (int round = 0; caller->ok && round < 20; round++) {
        kernel_ctx poly = {poly8_64[pf_cpu_best_simd_level()], (char *)poly_in, NULL,
                           (char *)out, 8, 0, 8, 2};
        pf_parallel_for(POLY_N, 1024, 64, kernel_range, &poly);
        caller->ok = memcmp(out, poly_ref, POLY_N * sizeof *out) == 0;
    }
    free(out);
    atomic_store(&caller->done, 1);
}

static void check_concurrent_callers(int nthreads)
{
    second_caller caller = {0, 0};
    const pf_thread_start_args start = {second_caller_main, &caller};
    if (pf_thread_start(NULL, &start) != 0)
        FAIL("cannot start a thread");
    while (!atomic_load(&caller.done))
        check_kernels(nthreads);
    if (!caller.ok)
        FAIL("%d threads: a concurrent caller got a wrong result", nthreads);
}

int main(int argc, char **argv)
{
    const int max_threads = argc > 1 ? atoi(argv[1]) : 8;
    printf("test_pool: %d CPUs, last-level cache %ld KiB, best SIMD level %s\n", pf_cpu_count(),
           (long)(pf_cpu_last_level_cache_bytes() >> 10),
           pf_simd_level_name(pf_cpu_best_simd_level()));
    poly8_64 = pf_kernels_for("poly8", PF_F64);
    mandel128 = pf_kernels_for("mandelbrot", PF_C128);
    if (poly8_64 == NULL || mandel128 == NULL)
        FAIL("the generated table has no poly8 f64 or mandelbrot c128 loop");
    make_inputs();
    const int64_t t0 = pf_monotonic_ns();
    pf_pool_init(1);
    for (int nthreads = 1; nthreads <= max_threads; nthreads++) {
        if (pf_pool_set_threads(nthreads) != 0)
            FAIL("cannot set %d threads", nthreads);
        check_coverage(nthreads);
        check_kernels(nthreads);
        check_fp_flags(nthreads);
        check_concurrent_callers(nthreads);
        check_interrupt(nthreads);
    }
    if (pf_pool_set_threads(0) == 0 || pf_pool_set_threads(PF_MAX_THREADS + 1) == 0)
        FAIL("out-of-range thread counts accepted");
    printf("test_pool: 1 to %d threads, levels scalar to %s: all checks pass (%.1f s)\n",
           max_threads, pf_simd_level_name(pf_cpu_best_simd_level()),
           (double)(pf_monotonic_ns() - t0) * 1e-9);
    return 0;
}
