/*
 * Randomized differential fuzz driver for polyfast's C kernels, built with
 * gcc -fsanitize=address,undefined by .ci/fuzz.sh (no clang/libFuzzer needed).
 *
 * Each iteration draws a random case and checks it against a plain reference
 * written here, at every SIMD level the CPU has:
 *
 *   bumps   pf_bumps_scan_f32/_f64 (the bump finder's scan): random lengths
 *           (0 .. a few thousand), element strides (contiguous, strided,
 *           negative), values from a palette of runs, NaN, +-inf, subnormals,
 *           huge values, random thresholds, min_width (including extremes)
 *           and output capacity `cap` from 0 to the maximum.  The count and
 *           every written location must equal the reference's, nothing past
 *           `cap` may be written (guard values), and operands are allocated
 *           to their exact extent so ASan reports any read or write outside.
 *   gufunc  the find_bumps and polyval gufunc kernels with random outer
 *           counts, core dimensions (n, m >= (n+1)/2 as process_core_dims
 *           enforces; ncoef including 0), outer and core strides (zero,
 *           negative), against the scan / Horner reference.
 *   table   every SIMD loop of every ufunc in the generated table (kernels.h,
 *           runtime/kernel_table.h) against the scalar loop of the same ufunc,
 *           bit for bit: random outer counts, core dimensions drawn from the
 *           signature (an output-only one at least the spec's `out_dims`),
 *           strides (zero and negative for inputs), starts misaligned by whole
 *           items, bounded int64 inputs (maxiter); operands allocated to their
 *           exact extent, guard bytes before outputs.  Nothing here names a
 *           ufunc: a new family's kernels are fuzzed as soon as its spec lists
 *           them.
 *   norm_pdf  both loops (broadcast loc/scale with contiguous x, and any
 *           strides) against the formula bit for bit; scale <= 0 gives NaN
 *           without a floating-point flag.
 *   metropolis  the chain with a deterministic fake generator, tie-breaker
 *           and poll: each step is mu or the proposal, the decision is the
 *           direct log ratio's outside the rounding zone, a tie follows the
 *           tie-breaker, draws are consumed once per step, stops are honoured;
 *           the sufficient statistics; the legacy (NumPy polar Gaussian)
 *           instantiation equals the generic one.
 *   metropolis_mt  the legacy chain reading an MT19937 state directly
 *           (mt19937_stream.h, at a random SIMD level) against the same
 *           chain through a bitgen_t over a plain reference MT19937: chains,
 *           keys, positions and cached Gaussians equal, from any position,
 *           with "Python" drawing between blocks (sync, draw, reload).
 *
 * Usage: fuzz_kernels SECONDS [SEED]  - runs for SECONDS, prints iterations.
 *        fuzz_kernels 0 SEED ITER     - replays iteration ITER of SEED.
 *        fuzz_kernels --list          - the SIMD kernels the table check
 *                                       compares with scalar on this CPU.
 * On a mismatch it prints the seed and iteration and aborts, which .ci/fuzz.sh
 * reports; a sanitizer report aborts the same way.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bumps/bumps.h"
#include "mandelbrot/mandelbrot.h"
#include "mcmc/metropolis.h"
#include "norm_pdf/norm_pdf.h"
#include "poly/poly.h"
#include "runtime/cpu_features.h"
#include "runtime/threads.h" /* pf_monotonic_ns: portable */

/* Every kernel and the description of every ufunc, generated from the specs
 * (src/codegen/generate.py; plain C). */
#include "kernels.h"

static uint64_t rng_state;

static uint64_t next_u64(void)
{ /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static intptr_t rnd(intptr_t lo, intptr_t hi) /* inclusive */
{
    return lo + (intptr_t)(next_u64() % (uint64_t)(hi - lo + 1));
}

static double unit(void) { return (double)(next_u64() >> 11) / 9007199254740992.0; }

static const double palette[] = {0.0, -0.0, 0.3, 0.5, 1.0, 2.5, -1.0, 1e-310, 5e-324,
                                 1e300, -1e300, 3.0e38, 1e-40, 7.0, 0.49999997};

static double draw_value(void)
{
    switch (rnd(0, 9)) {
    case 0: return NAN;
    case 1: return rnd(0, 1) ? INFINITY : -INFINITY;
    case 2: case 3: return palette[rnd(0, sizeof palette / sizeof palette[0] - 1)];
    case 4: return (unit() - 0.5) * 10.0;
    default: return 0.0; /* the background between bumps */
    }
}

static int level_available[PF_SIMD_NLEVELS];

static const pf_bumps_scan_f32_fn scan32[] = PF_LEVEL_TABLE(pf_bumps_scan_f32);
static const pf_bumps_scan_f64_fn scan64[] = PF_LEVEL_TABLE(pf_bumps_scan_f64);
/* The kernels (one per level) of the loop of ufunc `name` whose first operand
 * is of type `first`, from the generated table. */
static const pf_kernel_fn *kernels_of(const char *name, pf_type first)
{
    const pf_kernel_fn *kernels = pf_kernels_for(name, first);
    if (kernels != NULL)
        return kernels;
    fprintf(stderr, "fuzz_kernels: the table has no %s loop for type %d\n", name, (int)first);
    abort();
}

static uint64_t current_seed, current_iter;

#define FAIL(...)                                                              \
    do {                                                                       \
        fprintf(stderr, "fuzz_kernels: MISMATCH seed=%llu iter=%llu: ",        \
                (unsigned long long)current_seed, (unsigned long long)current_iter); \
        fprintf(stderr, __VA_ARGS__);                                          \
        fputc('\n', stderr);                                                   \
        abort();                                                               \
    } while (0)

/* An operand of `count` items of `item` bytes, `stride` bytes apart (any sign,
 * or 0), allocated to its exact extent; returns the pointer to item 0. */
typedef struct { char *alloc; char *base; } operand;

static operand make_operand(intptr_t count, intptr_t stride, size_t item)
{
    operand op;
    const intptr_t span = count > 0 ? (count - 1) * (stride < 0 ? -stride : stride) : 0;
    const size_t bytes = count > 0 ? (size_t)span + item : 1;
    op.alloc = malloc(bytes);
    if (op.alloc == NULL)
        abort();
    memset(op.alloc, 0x7f, bytes);
    op.base = stride < 0 ? op.alloc + span : op.alloc;
    return op;
}

/* The notebook's scan in its simplest form, sums in double. */
static intptr_t reference_scan(const double *x, intptr_t len, double thr, double ithr,
                               int64_t min_width, double *out)
{
    intptr_t count = 0;
    int64_t state = 0;
    double integral = 0.0, weighted = 0.0;
    for (intptr_t i = 0; i < len; i++) {
        if (x[i] >= thr) {
            state++;
            integral += x[i];
            weighted += (double)i * x[i];
        }
        if ((x[i] < thr || i == len - 1) && state > 0) {
            if (state >= min_width && integral >= ithr)
                out[count++] = weighted / integral;
            state = 0;
            integral = weighted = 0.0;
        }
    }
    return count;
}

static int same_bits64(double a, double b) { return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b)); }
static int same_bits32(float a, float b) { return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b)); }

static intptr_t draw_len(void)
{
    switch (rnd(0, 7)) {
    case 0: return rnd(0, 3);
    case 1: return rnd(0, 4000);
    default: return rnd(0, 200);
    }
}

static intptr_t draw_stride(size_t item)
{
    switch (rnd(0, 5)) {
    case 0: return -(intptr_t)item * rnd(1, 3);
    case 1: return (intptr_t)item * rnd(2, 4);
    default: return (intptr_t)item;
    }
}

static int64_t draw_width(void)
{
    switch (rnd(0, 9)) {
    case 0: return INT64_MAX;
    case 1: return INT64_MIN;
    case 2: return (int64_t)rnd(-5, 0);
    default: return (int64_t)rnd(1, 6);
    }
}

static void fuzz_bumps(void)
{
    const int f32 = (int)rnd(0, 1);
    const size_t item = f32 ? sizeof(float) : sizeof(double);
    const intptr_t len = draw_len();
    const intptr_t stride = draw_stride(item);
    double *values = malloc(sizeof(double) * (size_t)(len + 1));
    /* runs: a value repeated a few times, so bumps are common */
    for (intptr_t i = 0; i < len;) {
        const double v = draw_value();
        for (intptr_t r = rnd(1, 6); r > 0 && i < len; r--)
            values[i++] = rnd(0, 7) ? v : draw_value();
    }
    operand row = make_operand(len, stride, item);
    for (intptr_t i = 0; i < len; i++) {
        if (f32) {
            float v = (float)values[i];
            memcpy(row.base + i * stride, &v, sizeof v);
            values[i] = v; /* the reference sees the rounded values */
        } else {
            memcpy(row.base + i * stride, &values[i], sizeof(double));
        }
    }
    double thr = rnd(0, 3) ? palette[rnd(0, 6)] : draw_value();
    double ithr = rnd(0, 3) ? (double)rnd(-1, 4) : draw_value();
    if (f32) { /* the thresholds arrive in the targets' dtype */
        thr = (double)(float)thr;
        ithr = (double)(float)ithr;
    }
    const int64_t min_width = draw_width();
    double *expected = malloc(sizeof(double) * (size_t)(pf_bumps_max_count(len) + 1));
    const intptr_t want = reference_scan(values, len, thr, ithr, min_width, expected);
    if (want > pf_bumps_max_count(len))
        FAIL("reference found %zd bumps in %zd items", (ssize_t)want, (ssize_t)len);

    const intptr_t cap = rnd(0, 3) ? pf_bumps_max_count(len) : rnd(0, want);
    const intptr_t out_stride = (intptr_t)item * rnd(1, 2);
    for (int level = 0; level < PF_SIMD_NLEVELS; level++) {
        if (!level_available[level])
            continue;
        /* cap items plus one guard item that must stay untouched */
        operand out = make_operand(cap + 1, out_stride, item);
        const intptr_t got = f32 ? scan32[level](row.base, len, stride, (float)thr, (float)ithr,
                                                 min_width, cap ? out.base : NULL, out_stride, cap)
                                 : scan64[level](row.base, len, stride, thr, ithr, min_width,
                                                 cap ? out.base : NULL, out_stride, cap);
        if (got != want)
            FAIL("bumps level %d f32=%d len=%zd stride=%zd: count %zd, expected %zd", level, f32,
                 (ssize_t)len, (ssize_t)stride, (ssize_t)got, (ssize_t)want);
        const intptr_t written = got < cap ? got : cap;
        for (intptr_t k = 0; k < written; k++) {
            int ok;
            if (f32) {
                float v;
                memcpy(&v, out.base + k * out_stride, sizeof v);
                ok = same_bits32(v, (float)expected[k]);
            } else {
                double v;
                memcpy(&v, out.base + k * out_stride, sizeof v);
                ok = same_bits64(v, expected[k]);
            }
            if (!ok)
                FAIL("bumps level %d f32=%d: location %zd differs", level, f32, (ssize_t)k);
        }
        for (intptr_t k = written; k <= cap; k++)
            for (size_t b = 0; b < item; b++)
                if ((unsigned char)out.base[k * out_stride + (intptr_t)b] != 0x7f)
                    FAIL("bumps level %d: wrote past the count/cap at item %zd", level, (ssize_t)k);
        free(out.alloc);
    }
    free(row.alloc);
    free(values);
    free(expected);
}

/* find_bumps kernel: n outer rows, core dims {len, m}, random strides. */
static void fuzz_find_bumps(void)
{
    const int f32 = (int)rnd(0, 1);
    const size_t item = f32 ? sizeof(float) : sizeof(double);
    const intptr_t nrows = rnd(0, 5), len = rnd(0, 60);
    const intptr_t m = pf_bumps_max_count(len) + (rnd(0, 3) ? 0 : rnd(1, 3));
    const intptr_t core_in = draw_stride(item), core_out = draw_stride(item);
    /* outer strides: rows of `len` items packed, or broadcast (0) */
    const intptr_t in_span = len > 0 ? len * (core_in < 0 ? -core_in : core_in) : (intptr_t)item;
    const intptr_t out_span = m > 0 ? m * (core_out < 0 ? -core_out : core_out) : (intptr_t)item;
    const intptr_t s_in = rnd(0, 4) ? in_span : 0;
    const intptr_t s_thr = rnd(0, 1) ? (intptr_t)item : 0, s_w = rnd(0, 1) ? 8 : 0;
    const intptr_t s_loc = out_span, s_cnt = 8;
    const intptr_t total_in = nrows > 0 ? (nrows - 1) * s_in + in_span : 1;
    char *in = malloc((size_t)total_in);
    char *thr = malloc(item * (size_t)(nrows + 1)), *ithr = malloc(item * (size_t)(nrows + 1));
    int64_t *width = malloc(8 * (size_t)(nrows + 1));
    const intptr_t total_out = nrows > 0 ? nrows * out_span : 1;
    char *loc = malloc((size_t)total_out);
    int64_t *cnt = malloc(8 * (size_t)(nrows + 1));
    memset(in, 0, (size_t)total_in);
    /* row r item i lives at in + r*s_in + (core_in < 0 ? (len-1-i) : i)*|core_in| */
    const intptr_t in_first = core_in < 0 ? (len - 1) * -core_in : 0;
    const intptr_t out_first = core_out < 0 ? (m - 1) * -core_out : 0;
    for (intptr_t r = 0; r < nrows; r++) {
        for (intptr_t i = 0; i < len; i++) {
            double v = rnd(0, 2) ? 0.0 : draw_value();
            char *p = in + r * s_in + in_first + i * core_in;
            if (f32) { float f = (float)v; memcpy(p, &f, 4); } else memcpy(p, &v, 8);
        }
        double t = palette[rnd(0, 6)], it = (double)rnd(-1, 3);
        if (f32) { float a = (float)t, b = (float)it; memcpy(thr + r * item, &a, 4); memcpy(ithr + r * item, &b, 4); }
        else { memcpy(thr + r * item, &t, 8); memcpy(ithr + r * item, &it, 8); }
        width[r] = draw_width();
    }
    const intptr_t core_dims[2] = {len, m};
    const intptr_t steps[8] = {s_in, s_thr, s_thr, s_w, s_loc, s_cnt, core_in, core_out};
    for (int level = 0; level < PF_SIMD_NLEVELS; level++) {
        if (!level_available[level])
            continue;
        char *args[6] = {in + in_first, thr, ithr, (char *)width, loc + out_first, (char *)cnt};
        kernels_of("find_bumps", f32 ? PF_F32 : PF_F64)[level](args, nrows, core_dims, steps, 0);
        for (intptr_t r = 0; r < nrows; r++) {
            double row[64], expected[64];
            const intptr_t rr = s_in ? r : 0, rt = s_thr ? r : 0, rw = s_w ? r : 0;
            double t, it;
            for (intptr_t i = 0; i < len; i++) {
                const char *p = in + rr * s_in + in_first + i * core_in;
                if (f32) { float f; memcpy(&f, p, 4); row[i] = f; } else memcpy(&row[i], p, 8);
            }
            if (f32) { float a, b; memcpy(&a, thr + rt * item, 4); memcpy(&b, ithr + rt * item, 4); t = a; it = b; }
            else { memcpy(&t, thr + rt * item, 8); memcpy(&it, ithr + rt * item, 8); }
            const intptr_t want = reference_scan(row, len, t, it, width[rw], expected);
            if (cnt[r] != want)
                FAIL("find_bumps level %d row %zd: count %lld, expected %zd", level, (ssize_t)r,
                     (long long)cnt[r], (ssize_t)want);
            for (intptr_t j = 0; j < m; j++) {
                const char *p = loc + r * s_loc + out_first + j * core_out;
                double v;
                if (f32) { float f; memcpy(&f, p, 4); v = f; } else memcpy(&v, p, 8);
                const double e = j < want ? (f32 ? (double)(float)expected[j] : expected[j]) : NAN;
                if (!same_bits64(v, e))
                    FAIL("find_bumps level %d row %zd: location %zd differs", level, (ssize_t)r, (ssize_t)j);
            }
        }
    }
    free(in); free(thr); free(ithr); free(width); free(loc); free(cnt);
}

/* polyval kernel: (),(n)->() with ncoef >= 0 and any coefficient stride. */
static void fuzz_polyval(void)
{
    const int f32 = (int)rnd(0, 1);
    const size_t item = f32 ? sizeof(float) : sizeof(double);
    const intptr_t n = rnd(0, 70), ncoef = rnd(0, 3) ? rnd(0, 9) : 0;
    const intptr_t ccore = rnd(0, 4) ? draw_stride(item) : 0;
    const intptr_t xs = rnd(0, 4) ? draw_stride(item) : 0;
    const intptr_t cspan = ncoef > 0 ? ncoef * (ccore < 0 ? -ccore : ccore) : 0;
    const intptr_t cs = rnd(0, 1) ? (cspan > 0 ? cspan : (intptr_t)item) : 0;
    operand x = make_operand(n, xs, item);
    operand out0 = make_operand(n, (intptr_t)item, item);
    const intptr_t crows = cs ? n : 1;
    const intptr_t c_bytes = (crows > 0 ? (crows - 1) * cs : 0) + (cspan > 0 ? cspan : 1);
    char *c = malloc((size_t)c_bytes + item);
    for (intptr_t i = 0; i < n; i++) {
        double v = unit() * 4 - 2;
        if (f32) { float f = (float)v; memcpy(x.base + i * xs, &f, 4); } else memcpy(x.base + i * xs, &v, 8);
    }
    for (intptr_t b = 0; b + (intptr_t)item <= c_bytes; b += (intptr_t)item) {
        double v = unit() * 4 - 2;
        if (f32) { float f = (float)v; memcpy(c + b, &f, 4); } else memcpy(c + b, &v, 8);
    }
    const intptr_t c_first = ccore < 0 ? (ncoef - 1) * -ccore : 0;
    const intptr_t core_dims[1] = {ncoef};
    const intptr_t steps[4] = {xs, cs, (intptr_t)item, ccore};
    for (int level = 0; level < PF_SIMD_NLEVELS; level++) {
        if (!level_available[level])
            continue;
        operand out = make_operand(n, (intptr_t)item, item);
        char *args[3] = {x.base, c + (ncoef > 0 ? c_first : 0), out.base};
        kernels_of("polyval", f32 ? PF_F32 : PF_F64)[level](args, n, core_dims, steps, 0);
        for (intptr_t i = 0; i < n; i++) {
            const char *ci = c + (ncoef > 0 ? c_first : 0) + i * cs;
            double got, want;
            if (f32) {
                float xv, r;
                memcpy(&xv, x.base + i * xs, 4);
                PF_POLYVAL_HORNER(float, xv, ci, ccore, ncoef, r);
                want = r;
                float g;
                memcpy(&g, out.base + i * (intptr_t)item, 4);
                got = g;
            } else {
                double xv;
                memcpy(&xv, x.base + i * xs, 8);
                PF_POLYVAL_HORNER(double, xv, ci, ccore, ncoef, want);
                memcpy(&got, out.base + i * (intptr_t)item, 8);
            }
            if (!same_bits64(got, want))
                FAIL("polyval level %d f32=%d n=%zd ncoef=%zd: item %zd differs", level, f32,
                     (ssize_t)n, (ssize_t)ncoef, (ssize_t)i);
        }
        free(out.alloc);
    }
    free(x.alloc); free(out0.alloc); free(c);
}

/* The table check: one ufunc and loop of the generated table, drawn at
 * random, called at the scalar level and at every SIMD level the CPU has on
 * the same operands; every output element must be the same bits (any NaN
 * equals any NaN).  Only the table's description is used, so every loop of
 * every spec is covered. */
typedef struct {
    char *alloc, *base;   /* base: element 0 of outer item 0 */
    intptr_t lead, bytes; /* guard bytes before the extent, the extent */
} nd_operand;

/* An operand of `n` outer items of `ndim` core axes (sizes `sizes`), element
 * strides `strides` (outer first), allocated to its exact extent after
 * `lead` guard bytes (the start misaligned by that many items). */
static nd_operand make_nd(intptr_t n, int ndim, const intptr_t *sizes, const intptr_t *strides,
                          intptr_t item, intptr_t lead)
{
    intptr_t lo = 0, hi = 0, empty = n == 0;
    for (int d = 0; d <= ndim; d++) {
        const intptr_t count = d == 0 ? n : sizes[d - 1], stride = strides[d];
        if (count == 0)
            empty = 1;
        else if (stride < 0)
            lo += (count - 1) * stride;
        else
            hi += (count - 1) * stride;
    }
    nd_operand op;
    op.lead = lead;
    op.bytes = empty ? item : hi - lo + item;
    op.alloc = malloc((size_t)(lead + op.bytes));
    if (op.alloc == NULL)
        abort();
    memset(op.alloc, 0x7f, (size_t)(lead + op.bytes));
    op.base = op.alloc + lead + (empty ? 0 : -lo);
    return op;
}

/* Calls visit(offset) for every element of an operand (outer item, then its
 * core axes, last fastest); returns 0 as soon as one returns 0. */
typedef int (*element_fn)(intptr_t offset, void *ctx);
static int for_each_element(intptr_t n, int ndim, const intptr_t *sizes, const intptr_t *strides,
                            element_fn visit, void *ctx)
{
    intptr_t index[PF_MAX_OP_CORE + 1] = {0};
    const intptr_t total_axes = ndim + 1;
    intptr_t counts[PF_MAX_OP_CORE + 1];
    counts[0] = n;
    for (int d = 0; d < ndim; d++)
        counts[d + 1] = sizes[d];
    for (int d = 0; d < total_axes; d++)
        if (counts[d] == 0)
            return 1;
    for (;;) {
        intptr_t offset = 0;
        for (int d = 0; d < total_axes; d++)
            offset += index[d] * strides[d];
        if (!visit(offset, ctx))
            return 0;
        int d = (int)total_axes - 1;
        while (d >= 0 && ++index[d] == counts[d])
            index[d--] = 0;
        if (d < 0)
            return 1;
    }
}

typedef struct { char *base; int type; } fill_ctx;

static int fill_element(intptr_t offset, void *ctx_)
{
    fill_ctx *c = ctx_;
    char *p = c->base + offset;
    switch (c->type) {
    case PF_F32: case PF_F64: {
        const double v = rnd(0, 1) ? unit() * 4 - 2 : draw_value();
        if (c->type == PF_F32) { float f = (float)v; memcpy(p, &f, 4); }
        else memcpy(p, &v, 8);
        break;
    }
    case PF_C64: case PF_C128: {
        double re = unit() * 3 - 2, im = unit() * 3 - 1.5;
        if (!rnd(0, 9))
            re = draw_value();
        if (c->type == PF_C64) { float z[2] = {(float)re, (float)im}; memcpy(p, z, 8); }
        else { double z[2] = {re, im}; memcpy(p, z, 16); }
        break;
    }
    default: { /* bounded, so that a count such as maxiter terminates soon */
        const int64_t v = rnd(0, 9) ? (int64_t)rnd(1, 60) : rnd(0, 4) ? (int64_t)rnd(-3, 2)
                                                                        : INT64_MIN;
        memcpy(p, &v, 8);
    }
    }
    return 1;
}

typedef struct { const char *got, *want; int type; intptr_t bad; } compare_ctx;

static int same_element(intptr_t offset, void *ctx_)
{
    compare_ctx *c = ctx_;
    const char *g = c->got + offset, *w = c->want + offset;
    int same;
    switch (c->type) {
    case PF_F32: case PF_C64: {
        float a[2] = {0, 0}, b[2] = {0, 0};
        const size_t k = c->type == PF_F32 ? 1 : 2;
        memcpy(a, g, 4 * k);
        memcpy(b, w, 4 * k);
        same = same_bits32(a[0], b[0]) && same_bits32(a[1], b[1]);
        break;
    }
    case PF_F64: case PF_C128: {
        double a[2] = {0, 0}, b[2] = {0, 0};
        const size_t k = c->type == PF_F64 ? 1 : 2;
        memcpy(a, g, 8 * k);
        memcpy(b, w, 8 * k);
        same = same_bits64(a[0], b[0]) && same_bits64(a[1], b[1]);
        break;
    }
    default:
        same = memcmp(g, w, 8) == 0;
    }
    if (!same)
        c->bad = offset;
    return same;
}

/* Calls made per SIMD kernel by the table check, for the summary line. */
static uint64_t table_calls[64][PF_MAX_ARGS * 2][PF_SIMD_NLEVELS];

static intptr_t draw_core_size(void)
{
    return rnd(0, 3) ? rnd(0, 12) : rnd(0, 3) ? rnd(0, 3) : rnd(13, 70);
}

static void fuzz_table(void)
{
    int nufuncs = 0;
    while (pf_kernel_ufuncs[nufuncs] != NULL)
        nufuncs++;
    const int ui = (int)rnd(0, nufuncs - 1);
    const pf_kernel_ufunc *u = pf_kernel_ufuncs[ui];
    const int li = (int)rnd(0, u->nloops - 1);
    const pf_kernel_loop *loop = &u->loops[li];
    int has_simd = 0;
    for (int level = 1; level < PF_SIMD_NLEVELS; level++)
        has_simd |= loop->kernels[level] != NULL && level_available[level];
    if (!has_simd)
        return; /* a scalar-only loop (or CPU): its family's check covers it */
    const int nargs = u->nin + u->nout;

    /* core dimensions; an output-only one at least the smallest accepted */
    intptr_t core[PF_MAX_ARGS * PF_MAX_OP_CORE];
    for (int d = 0; d < u->ncore; d++)
        core[d] = draw_core_size();
    if (u->min_out_dims != NULL) {
        intptr_t least[PF_MAX_ARGS * PF_MAX_OP_CORE];
        memcpy(least, core, sizeof least);
        u->min_out_dims(least);
        for (int d = 0; d < u->ncore; d++)
            if (least[d] != core[d])
                core[d] = least[d] + (rnd(0, 3) ? 0 : rnd(1, 3));
    }
    const intptr_t n = u->ncore == 0 ? draw_len() : rnd(0, 3) ? rnd(0, 6) : rnd(0, 40);

    /* strides: NumPy's steps, outer ones first, then each operand's core ones */
    intptr_t steps[PF_MAX_ARGS * (PF_MAX_OP_CORE + 1)];
    intptr_t strides[PF_MAX_ARGS][PF_MAX_OP_CORE + 1], sizes[PF_MAX_ARGS][PF_MAX_OP_CORE];
    int ncore_steps = 0;
    for (int a = 0; a < nargs; a++) {
        const int output = a >= u->nin, ndim = u->op_ndim[a];
        const intptr_t item = pf_type_size(loop->types[a]);
        intptr_t span = item; /* bytes one element of the next axis out spans */
        for (int d = ndim - 1; d >= -1; d--) {
            const intptr_t count = d >= 0 ? core[u->op_dims[a][d]] : n;
            intptr_t stride;
            if (!output && rnd(0, 5) == 0)
                stride = 0; /* broadcast */
            else if (rnd(0, 2) == 0)
                stride = span * rnd(1, 3) * (rnd(0, 2) ? 1 : -1);
            else
                stride = span;
            if (output && stride == 0)
                stride = span;
            strides[a][d + 1] = stride;
            if (d >= 0)
                sizes[a][d] = count;
            const intptr_t extent = (count > 0 ? count : 1) * (stride < 0 ? -stride : stride);
            span = extent > span ? extent : span;
        }
        steps[a] = strides[a][0];
        for (int d = 0; d < ndim; d++)
            steps[nargs + ncore_steps++] = strides[a][d + 1];
    }

    nd_operand ops[PF_MAX_ARGS], ref[PF_MAX_ARGS];
    for (int a = 0; a < nargs; a++) {
        const intptr_t item = pf_type_size(loop->types[a]);
        const intptr_t lead = item * rnd(0, 7);
        ops[a] = make_nd(n, u->op_ndim[a], sizes[a], strides[a], item, lead);
        if (a < u->nin) {
            fill_ctx f = {ops[a].base, loop->types[a]};
            for_each_element(n, u->op_ndim[a], sizes[a], strides[a], fill_element, &f);
        } else {
            ref[a] = make_nd(n, u->op_ndim[a], sizes[a], strides[a], item, lead);
        }
    }
    char *args[PF_MAX_ARGS];
    for (int a = 0; a < nargs; a++)
        args[a] = a < u->nin ? ops[a].base : ref[a].base;
    loop->kernels[PF_SIMD_SCALAR](args, n, core, steps, rnd(0, 1) ? PF_HINT_STREAM : 0u);

    for (int level = 1; level < PF_SIMD_NLEVELS; level++) {
        if (loop->kernels[level] == NULL || !level_available[level])
            continue;
        for (int a = u->nin; a < nargs; a++) {
            memset(ops[a].alloc, 0x7f, (size_t)(ops[a].lead + ops[a].bytes));
            args[a] = ops[a].base;
        }
        loop->kernels[level](args, n, core, steps, rnd(0, 1) ? PF_HINT_STREAM : 0u);
        if (ui < 64 && li < PF_MAX_ARGS * 2)
            table_calls[ui][li][level]++;
        for (int a = u->nin; a < nargs; a++) {
            compare_ctx c = {ops[a].base, ref[a].base, loop->types[a], 0};
            if (!for_each_element(n, u->op_ndim[a], sizes[a], strides[a], same_element, &c))
                FAIL("%s: operand %d at byte offset %zd differs from %s (n=%zd, core dims "
                     "%zd %zd %zd)", loop->kernel_names[level], a, (ssize_t)c.bad,
                     loop->kernel_names[PF_SIMD_SCALAR], (ssize_t)n,
                     (ssize_t)(u->ncore > 0 ? core[0] : -1), (ssize_t)(u->ncore > 1 ? core[1] : -1),
                     (ssize_t)(u->ncore > 2 ? core[2] : -1));
            for (intptr_t b = 0; b < ops[a].lead; b++)
                if ((unsigned char)ops[a].alloc[b] != 0x7f)
                    FAIL("%s: wrote before operand %d", loop->kernel_names[level], a);
        }
    }
    for (int a = 0; a < nargs; a++) {
        free(ops[a].alloc);
        if (a >= u->nin)
            free(ref[a].alloc);
    }
}

/* The SIMD kernels the table check compares with scalar on this CPU. */
static int list_table(FILE *out, int with_calls)
{
    int count = 0;
    for (int ui = 0; pf_kernel_ufuncs[ui] != NULL; ui++) {
        const pf_kernel_ufunc *u = pf_kernel_ufuncs[ui];
        for (int li = 0; li < u->nloops; li++)
            for (int level = 1; level < PF_SIMD_NLEVELS; level++) {
                if (u->loops[li].kernels[level] == NULL || !level_available[level])
                    continue;
                count++;
                if (out == NULL)
                    continue;
                fprintf(out, "%s vs %s", u->loops[li].kernel_names[level],
                        u->loops[li].kernel_names[PF_SIMD_SCALAR]);
                if (with_calls && ui < 64 && li < PF_MAX_ARGS * 2)
                    fprintf(out, ": %llu calls", (unsigned long long)table_calls[ui][li][level]);
                fputc('\n', out);
            }
    }
    return count;
}

/* norm_pdf: both loops (the contiguous one with broadcast loc and scale, and
 * the strided one) against the formula, bit for bit; float32 is the float64
 * value rounded once.  scale <= 0 or NaN must give NaN without raising a
 * floating-point flag, whatever loc and x are. */
static double ref_norm_pdf(double loc, double scale, double x)
{
    if (isnan(scale) || scale <= 0.0)
        return NAN;
    const double y = (x - loc) / scale;
    return exp(-(y * y) / 2.0) / 2.5066282746310002 / scale;
}

static const double bad_scales[] = {0.0, -0.0, -1.0, -INFINITY, NAN, -5e-324, -3.4e38};

static double draw_scale(int quiet)
{
    if (quiet)
        return bad_scales[rnd(0, sizeof bad_scales / sizeof bad_scales[0] - 1)];
    switch (rnd(0, 5)) {
    case 0: return draw_value();
    case 1: return bad_scales[rnd(0, sizeof bad_scales / sizeof bad_scales[0] - 1)];
    default: return exp(unit() * 12.0 - 6.0);
    }
}

static void fuzz_norm_pdf(void)
{
    const int f32 = (int)rnd(0, 1);
    const size_t item = f32 ? 4 : 8;
    const intptr_t n = draw_len();
    const int quiet = rnd(0, 4) == 0; /* every scale <= 0 or NaN */
    const int fast = rnd(0, 1);       /* the contiguous loop's shape */
    intptr_t st[4];
    st[0] = fast || rnd(0, 1) ? 0 : draw_stride(item);
    st[1] = fast || rnd(0, 1) ? 0 : draw_stride(item);
    st[2] = fast || rnd(0, 2) ? (intptr_t)item : draw_stride(item);
    st[3] = fast || rnd(0, 2) ? (intptr_t)item : draw_stride(item);
    operand op[4];
    for (int k = 0; k < 4; k++)
        op[k] = make_operand(st[k] == 0 ? (n > 0) : n, st[k], item);
    for (intptr_t i = 0; i < n; i++) {
        const double loc = rnd(0, 5) ? unit() * 10 - 5 : draw_value();
        const double scale = draw_scale(quiet);
        double x = rnd(0, 5) ? loc + (unit() * 90 - 45) * (isfinite(scale) ? fabs(scale) : 1.0)
                             : draw_value();
        const double v[3] = {loc, scale, x};
        for (int k = 0; k < 3; k++) {
            if (st[k] == 0 && i > 0)
                continue; /* broadcast: item 0 only */
            if (f32) { float f = (float)v[k]; memcpy(op[k].base + i * st[k], &f, 4); }
            else memcpy(op[k].base + i * st[k], &v[k], 8);
        }
    }
    char *args[4] = {op[0].base, op[1].base, op[2].base, op[3].base};
    feclearexcept(FE_ALL_EXCEPT);
    kernels_of("norm_pdf", f32 ? PF_F32 : PF_F64)[PF_SIMD_SCALAR](args, n, NULL, st, 0u);
    if (quiet && fetestexcept(FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW))
        FAIL("norm_pdf f32=%d n=%zd: scale <= 0 raised a floating-point flag", f32, (ssize_t)n);
    for (intptr_t i = 0; i < n; i++) {
        double in[3];
        for (int k = 0; k < 3; k++) {
            const char *p = op[k].base + i * st[k];
            if (f32) { float f; memcpy(&f, p, 4); in[k] = f; }
            else memcpy(&in[k], p, 8);
        }
        const double want = ref_norm_pdf(in[0], in[1], in[2]);
        const char *p = op[3].base + i * st[3];
        int same;
        if (f32) { float g; memcpy(&g, p, 4); same = same_bits32(g, (float)want); }
        else { double g; memcpy(&g, p, 8); same = same_bits64(g, want); }
        if (!same || (quiet && !(f32 ? isnan(*(float *)(void *)p) : isnan(*(double *)(void *)p))))
            FAIL("norm_pdf f32=%d n=%zd steps=%zd,%zd,%zd,%zd: item %zd differs", f32,
                 (ssize_t)n, (ssize_t)st[0], (ssize_t)st[1], (ssize_t)st[2], (ssize_t)st[3],
                 (ssize_t)i);
    }
    for (int k = 0; k < 4; k++)
        free(op[k].alloc);
}

/* The Metropolis chain with a deterministic fake generator: every step is
 * mu or mu + w*z; outside the tie zone the decision is that of the log ratio
 * computed directly in long double; a step sent to the tie-breaker follows
 * its answer; the draws are consumed exactly once per step; the poll and the
 * tie-breaker can stop the chain.  The legacy instantiation (NumPy's polar
 * Gaussian on a bitgen_t) equals the generic one bit for bit. */
typedef struct { const double *z, *u; intptr_t iz, iu, n; } fake_draws;

static double fake_normal(void *s)
{
    fake_draws *f = s;
    if (f->iz >= f->n)
        FAIL("metropolis drew a normal past the last step");
    return f->z[f->iz++];
}

static double fake_uniform(void *s)
{
    fake_draws *f = s;
    if (f->iu >= f->n)
        FAIL("metropolis drew a uniform past the last step");
    return f->u[f->iu++];
}

typedef struct { double mu, mu_p, u; int answer; } tie_call;
typedef struct { tie_call *log; intptr_t calls, cap, stop_at; } tie_ctx;

static int fake_tie(void *ctx_, double mu, double mu_p, double u)
{
    tie_ctx *t = ctx_;
    if (t->calls >= t->cap)
        FAIL("metropolis: more tie-breaker calls than steps");
    int answer = t->calls == t->stop_at ? PF_MH_ERROR : (int)rnd(0, 2); /* ACCEPT/REJECT/UNDECIDED */
    t->log[t->calls++] = (tie_call){mu, mu_p, u, answer};
    return answer;
}

typedef struct { intptr_t calls, stop_at; } poll_ctx;

static int fake_poll(void *ctx_)
{
    poll_ctx *p = ctx_;
    return p->calls++ == p->stop_at;
}

/* fake bit generator for the legacy draws: splitmix doubles */
static uint64_t bitgen_state;
static double fake_next_double(void *st)
{
    (void)st;
    uint64_t z = (bitgen_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static double wrap_legacy_gauss(void *s) { return pf_legacy_gauss(s); }
static double wrap_legacy_uniform(void *s) { return pf_legacy_uniform(s); }

static void fuzz_metropolis(void)
{
    const intptr_t n = rnd(0, 3) ? rnd(0, 40) : rnd(0, 3000);
    const intptr_t ds = rnd(0, 3) ? 8 : draw_stride(8);
    operand data = make_operand(n, ds, 8);
    const double shift = rnd(0, 3) ? 0.0 : unit() * 200 - 100;
    for (intptr_t i = 0; i < n; i++) {
        const double v = shift + unit() * 4 - 2;
        memcpy(data.base + i * ds, &v, 8);
    }
    pf_mh_stats st;
    intptr_t bad = -1;
    if (n > 0 && !rnd(0, 9)) { /* a non-finite item is reported, the first one */
        const intptr_t at = rnd(0, n - 1);
        const double v = rnd(0, 1) ? NAN : -INFINITY;
        memcpy(data.base + at * ds, &v, 8);
        if (pf_mh_stats_compute(data.base, n, ds, &st, &bad) != -1 || bad > at)
            FAIL("metropolis stats: non-finite item %zd not reported (bad=%zd)", (ssize_t)at,
                 (ssize_t)bad);
        free(data.alloc);
        return;
    }
    if (pf_mh_stats_compute(data.base, n, ds, &st, &bad) != 0 || st.n != n)
        FAIL("metropolis stats failed on finite data");
    long double t1 = 0;
    for (intptr_t i = 0; i < n; i++)
        t1 += (long double)*(double *)(void *)(data.base + i * ds) - st.center;
    if (fabsl(t1 - st.t1) > 1e-12L * (1 + n * (fabs(st.center) + 2)))
        FAIL("metropolis stats: t1 %.17g, expected %.17Lg", st.t1, t1);

    const int extreme = rnd(0, 9) == 0;
    const intptr_t samples = rnd(0, 2) ? rnd(0, 300) : rnd(0, 1500);
    pf_mh_params p = {
        .mu_init = shift + unit() * 6 - 3,
        .proposal_width = exp(unit() * 7 - 5),
        .prior_mu = unit() * 4 - 2,
        .prior_sd = exp(unit() * 4 - 2),
        .tie_margin = (double[]){0.0, 1e-9, 1e-3, 0.5}[rnd(0, 3)],
    };
    if (extreme) {
        switch (rnd(0, 3)) {
        case 0: p.prior_mu = rnd(0, 1) ? 1e200 : -1e200; break;
        case 1: p.prior_sd = rnd(0, 1) ? 1e-160 : 1e300; break;
        case 2: p.proposal_width = rnd(0, 1) ? 1e300 : 1e-320; break;
        default: p.mu_init = rnd(0, 1) ? 1e308 : -1e200; break;
        }
    }
    double *z = malloc(sizeof(double) * (size_t)(samples + 1));
    double *u = malloc(sizeof(double) * (size_t)(samples + 1));
    double *out = malloc(sizeof(double) * (size_t)(samples + 1));
    tie_call *log = malloc(sizeof(tie_call) * (size_t)(samples + 1));
    if (!z || !u || !out || !log)
        abort();
    for (intptr_t j = 0; j < samples; j++) {
        z[j] = rnd(0, 49) ? (unit() + unit() + unit() - 1.5) * 2 : draw_value();
        u[j] = rnd(0, 49) ? unit() : (double[]){0.0, 5e-324, 1e-300, 0.9999999999999999}[rnd(0, 3)];
        if (!isfinite(z[j]))
            z[j] = 0.0;
    }
    fake_draws f = {z, u, 0, 0, samples};
    tie_ctx tc = {log, 0, samples + 1, rnd(0, 3) ? -1 : rnd(0, 5)};
    poll_ctx pc = {0, rnd(0, 2) ? -1 : rnd(0, 3)};
    if (rnd(0, 1)) { p.tie = fake_tie; p.tie_ctx = &tc; }
    if (rnd(0, 1)) { p.poll = fake_poll; p.poll_ctx = &pc; p.poll_every = rnd(1, 700); }
    pf_mh_draws draws = {fake_normal, fake_uniform, &f};
    pf_mh_info info = {-1, -1};
    const int rc = pf_metropolis(&st, &p, &draws, samples, out, &info);
    if (rc != 0 && rc != PF_MH_ERROR)
        FAIL("metropolis returned %d", rc);
    if (rc == 0 && (f.iz != samples || f.iu != samples))
        FAIL("metropolis consumed %zd/%zd draws for %zd steps", (ssize_t)f.iz, (ssize_t)f.iu,
             (ssize_t)samples);
    if (info.ties != tc.calls && p.tie != NULL)
        FAIL("metropolis: info.ties %zd, tie-breaker calls %zd", (ssize_t)info.ties,
             (ssize_t)tc.calls);
    if (!same_bits64(out[0], p.mu_init))
        FAIL("metropolis: out[0] is not mu_init");
    /* steps to check: all, or those before the stop */
    const int tie_stopped = tc.calls > 0 && log[tc.calls - 1].answer == PF_MH_ERROR;
    if (rc == PF_MH_ERROR && !tie_stopped && pc.calls != pc.stop_at + 1)
        FAIL("metropolis stopped without being asked");
    const intptr_t limit = rc == 0 ? samples : tie_stopped ? samples : f.iz;
    intptr_t next_tie = 0;
    const double inv_s2 = 1.0 / (p.prior_sd * p.prior_sd);
    for (intptr_t j = 0; j < limit; j++) {
        const double mu = out[j];
        const double mu_p = mu + p.proposal_width * z[j];
        if (next_tie < tc.calls && same_bits64(log[next_tie].mu, mu) &&
            same_bits64(log[next_tie].mu_p, mu_p) && same_bits64(log[next_tie].u, u[j])) {
            const int a = log[next_tie++].answer;
            if (a == PF_MH_ERROR)
                break;
            if (a == PF_MH_ACCEPT && !same_bits64(out[j + 1], mu_p))
                FAIL("metropolis step %zd: tie-breaker said accept", (ssize_t)j);
            if (a == PF_MH_REJECT && !same_bits64(out[j + 1], mu))
                FAIL("metropolis step %zd: tie-breaker said reject", (ssize_t)j);
            continue;
        }
        if (!same_bits64(out[j + 1], mu) && !same_bits64(out[j + 1], mu_p))
            FAIL("metropolis step %zd: %.17g is neither mu nor the proposal", (ssize_t)j,
                 out[j + 1]);
        /* Past 1e100 the log ratio overflows in double (the notebook's
         * products long before): any decision is rounding's. */
        if (extreme || !(u[j] > 0.0) || fabs(mu) > 1e100 || fabs(mu_p) > 1e100)
            continue;
        /* the log ratio, directly */
        long double lr = 0, mag = 1;
        for (intptr_t i = 0; i < n; i++) {
            const long double d = *(double *)(void *)(data.base + i * ds);
            const long double a = (d - mu) * (d - mu) / 2, b = (d - mu_p) * (d - mu_p) / 2;
            lr += a - b;
            mag += a + b;
        }
        const long double pa = (mu - p.prior_mu) * (long double)(mu - p.prior_mu) * inv_s2 / 2;
        const long double pb = (mu_p - p.prior_mu) * (long double)(mu_p - p.prior_mu) * inv_s2 / 2;
        lr += pa - pb;
        mag += pa + pb;
        const long double lu = logl((long double)u[j]);
        if (fabsl(lu - lr) <= 1e-9L * mag + 1e-6L)
            continue; /* within rounding: either decision */
        const int accept = lu < lr;
        if (!same_bits64(out[j + 1], accept ? mu_p : mu) && mu != mu_p)
            FAIL("metropolis step %zd: %s expected (log u %.17Lg, log ratio %.17Lg)", (ssize_t)j,
                 accept ? "accept" : "reject", lu, lr);
    }

    /* The legacy instantiation equals the generic one (same bitgen stream). */
    if (samples <= 600) {
        bitgen_t bg = {.next_double = fake_next_double};
        const uint64_t seed0 = next_u64();
        const int has_gauss = (int)rnd(0, 1);
        const double gauss = unit() - 0.5;
        double *out2 = malloc(sizeof(double) * (size_t)(samples + 1));
        if (!out2)
            abort();
        pf_mh_params q = p;
        q.tie = NULL;
        q.poll = NULL;
        pf_legacy_gauss_state g1 = {&bg, has_gauss, gauss, NULL, NULL}, g2 = g1;
        bitgen_state = seed0;
        pf_mh_draws legacy = {pf_legacy_gauss, pf_legacy_uniform, &g1};
        pf_metropolis(&st, &q, &legacy, samples, out, NULL);
        const uint64_t end1 = bitgen_state;
        bitgen_state = seed0;
        pf_mh_draws wrapped = {wrap_legacy_gauss, wrap_legacy_uniform, &g2};
        pf_metropolis(&st, &q, &wrapped, samples, out2, NULL);
        if (memcmp(out, out2, sizeof(double) * (size_t)(samples + 1)) != 0 ||
            end1 != bitgen_state || g1.has_gauss != g2.has_gauss ||
            !same_bits64(g1.gauss, g2.gauss))
            FAIL("metropolis: legacy instantiation differs from the generic one");
        free(out2);
    }
    free(z); free(u); free(out); free(log); free(data.alloc);
}

/* A reference MT19937 over the same layout: one word at a time, the twist
 * as published (not mt19937_stream's code). */
static uint32_t ref_mt_next(pf_mt19937_layout *s)
{
    if (s->pos >= PF_MT_N) {
        for (int i = 0; i < PF_MT_N; i++) {
            const uint32_t y = (s->key[i] & 0x80000000u) | (s->key[(i + 1) % PF_MT_N] & 0x7fffffffu);
            s->key[i] = s->key[(i + 397) % PF_MT_N] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        s->pos = 0;
    }
    uint32_t y = s->key[s->pos++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

static double ref_mt_double(void *st)
{
    const int32_t a = (int32_t)(ref_mt_next(st) >> 5), b = (int32_t)(ref_mt_next(st) >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

typedef struct {
    pf_mt19937_layout *state;
    pf_mt_stream *mt; /* NULL for the reference chain */
    const int *draws; /* words "Python" draws at each poll */
    int polls;
} mt_poll_ctx;

/* What the glue does around Python code: the position out, Python's draws
 * (here through the reference), the state back in. */
static int mt_poll(void *ctx_)
{
    mt_poll_ctx *c = ctx_;
    if (c->mt != NULL)
        pf_mt_stream_sync(c->mt, c->mt->pos);
    for (int k = c->draws[c->polls++ % 8]; k > 0; k--)
        (void)ref_mt_next(c->state);
    if (c->mt != NULL)
        pf_mt_stream_reload(c->mt);
    return 0;
}

static void fuzz_metropolis_mt(void)
{
    static pf_mt19937_layout ref, direct;
    for (int i = 0; i < PF_MT_N; i++)
        ref.key[i] = (uint32_t)next_u64();
    ref.pos = (int)(rnd(0, 1) ? rnd(0, PF_MT_N) : rnd(PF_MT_N - 4, PF_MT_N));
    direct = ref;
    const intptr_t n = rnd(1, 30);
    double data[30];
    for (intptr_t i = 0; i < n; i++)
        data[i] = unit() * 4 - 2;
    pf_mh_stats st;
    intptr_t bad;
    pf_mh_stats_compute((const char *)data, n, 8, &st, &bad);
    const intptr_t samples = rnd(0, 3) ? rnd(0, 1200) : rnd(0, 3);
    double *out1 = malloc(sizeof(double) * (size_t)(samples + 1));
    double *out2 = malloc(sizeof(double) * (size_t)(samples + 1));
    if (!out1 || !out2)
        abort();
    intptr_t level;
    do
        level = rnd(0, PF_SIMD_NLEVELS - 1);
    while (!level_available[level]);
    const pf_simd_level saved = pf_selected_simd_level();
    pf_set_selected_simd_level((pf_simd_level)level);

    int draws[8];
    for (int i = 0; i < 8; i++)
        draws[i] = (int)rnd(0, 3);
    bitgen_t bg1 = {.state = &ref, .next_double = ref_mt_double};
    bitgen_t bg2 = {.state = &direct, .next_double = ref_mt_double};
    pf_mt_stream mt;
    pf_mt_stream_open(&mt, &bg2, 1);
    const int has_gauss = (int)rnd(0, 1);
    const double gauss = has_gauss ? unit() * 6 - 3 : 0.0;
    pf_legacy_gauss_state g1 = {&bg1, has_gauss, gauss, NULL, NULL};
    pf_legacy_gauss_state g2 = {&bg2, has_gauss, gauss, &mt, NULL};
    mt_poll_ctx pc1 = {&ref, NULL, draws, 0}, pc2 = {&direct, &mt, draws, 0};
    pf_mh_params p = {.mu_init = unit() * 2 - 1, .proposal_width = 0.1 + unit(),
                      .prior_mu = 0.0, .prior_sd = 1.0 + unit(), .poll = mt_poll,
                      .poll_ctx = &pc1, .poll_every = 1};
    pf_mh_draws d1 = {pf_legacy_gauss, pf_legacy_uniform, &g1};
    pf_metropolis(&st, &p, &d1, samples, out1, NULL);
    p.poll_ctx = &pc2;
    pf_mh_draws d2 = {pf_legacy_gauss_mt, pf_legacy_uniform_mt, &g2};
    pf_metropolis(&st, &p, &d2, samples, out2, NULL);
    pf_mt_stream_sync(&mt, mt.pos);
    pf_set_selected_simd_level(saved);
    if (memcmp(out1, out2, sizeof(double) * (size_t)(samples + 1)) != 0 ||
        memcmp(ref.key, direct.key, sizeof ref.key) != 0 || ref.pos != direct.pos ||
        g1.has_gauss != g2.has_gauss || !same_bits64(g1.gauss, g2.gauss) ||
        pc1.polls != pc2.polls)
        FAIL("metropolis_mt: direct MT19937 (level %s) differs from the reference (samples "
             "%zd, start pos %d)", pf_simd_level_name((pf_simd_level)level), (ssize_t)samples,
             (int)mt.pos);
    free(out1);
    free(out2);
}

static void one_iteration(uint64_t seed, uint64_t iter)
{
    current_seed = seed;
    current_iter = iter;
    rng_state = seed * 0x100000001b3ull ^ iter * 0x9e3779b97f4a7c15ull;
    switch (iter % 8) {
    case 0: case 1: fuzz_bumps(); break;
    case 2: fuzz_find_bumps(); break;
    case 3: fuzz_polyval(); break;
    case 4: fuzz_table(); break;
    case 5: fuzz_norm_pdf(); break;
    case 6: fuzz_metropolis(); break;
    default: fuzz_metropolis_mt(); break;
    }
}

int main(int argc, char **argv)
{
    const double seconds = argc > 1 ? atof(argv[1]) : 10.0;
    const uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : (uint64_t)time(NULL);
    const pf_simd_level best = pf_cpu_best_simd_level();
    for (int l = 0; l < PF_SIMD_NLEVELS; l++)
        level_available[l] = l <= (int)best;
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        list_table(stdout, 0);
        return 0;
    }
    if (argc > 3) { /* replay one iteration */
        one_iteration(seed, strtoull(argv[3], NULL, 10));
        printf("replayed seed=%llu iter=%s: ok\n", (unsigned long long)seed, argv[3]);
        return 0;
    }
    const int64_t t0 = pf_monotonic_ns();
    uint64_t iter = 0;
    double elapsed = 0.0;
    do {
        for (int k = 0; k < 256; k++, iter++)
            one_iteration(seed, iter);
        elapsed = 1e-9 * (double)(pf_monotonic_ns() - t0);
    } while (elapsed < seconds);
    printf("fuzz_kernels: seed=%llu levels=%s: %llu cases in %.1f s, no finding; %d SIMD "
           "kernels of the table against scalar:\n", (unsigned long long)seed,
           pf_simd_level_name(best), (unsigned long long)iter, elapsed, list_table(NULL, 0));
    list_table(stdout, 1);
    return 0;
}
