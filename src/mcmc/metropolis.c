/* The Metropolis chain of the notebook's sampler; see metropolis.h. */
#include "mcmc/metropolis.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "mcmc/mcmc_levels.h"
#include "runtime/cpu_features.h"

/* log(u) is first taken to within this (pf_fast_log, mcmc_block.h) */
#define PF_FAST_LOG_ERR 1e-7

/* log(sqrt(2*pi)) */
#define PF_LOG_SQRT_2PI 0.91893853320467274178

/* Steps drawn ahead at a time. */
#define PF_MH_BLOCK 256

int pf_mh_stats_compute(const char *data, intptr_t n, intptr_t stride,
                        pf_mh_stats *st, intptr_t *bad)
{
    double sum = 0.0, largest = 0.0;
    for (intptr_t i = 0; i < n; i++) {
        const double d = *(const double *)(data + i * stride);
        if (!isfinite(d)) {
            *bad = i;
            return -1;
        }
        sum += d;
        largest = fabs(d) > largest ? fabs(d) : largest;
    }
    /* Any center is exact in the formulas; the mean keeps t1 small.  The
     * running sum can overflow while the mean is finite (1000 x 1e306):
     * then the mean is summed as d/n, whose partial sums stay below the
     * largest |d|. */
    double center = n > 0 ? sum / (double)n : 0.0;
    if (!isfinite(center)) {
        center = 0.0;
        for (intptr_t i = 0; i < n; i++)
            center += *(const double *)(data + i * stride) / (double)n;
    }
    /* d - center can overflow when both are near DBL_MAX with opposite
     * signs: for such data the sums run on halves (exact at that size) and
     * t1, which is near 0, is doubled back.  Ordinary data take the plain
     * path, bit for bit as before. */
    const double half = largest > DBL_MAX / 4 ? 0.5 : 1.0;
    /* Neumaier's compensated sum of d - center. */
    double t1 = 0.0, comp = 0.0, t2 = 0.0;
    for (intptr_t i = 0; i < n; i++) {
        const double e = *(const double *)(data + i * stride) * half - center * half;
        const double t = t1 + e;
        if (fabs(t1) >= fabs(e))
            comp += (t1 - t) + e;
        else
            comp += (e - t) + t1;
        t1 = t;
        t2 += e * e;
    }
    st->n = n;
    st->center = center;
    st->t1 = (t1 + comp) / half;
    st->t2 = t2 / (half * half); /* inf for such data: the tie margin is then off */
    return 0;
}

/* a if take else b, without a branch: acceptance is a coin flip the branch
 * predictor cannot learn, and the chain's next step waits on it. */
static inline double select_double(int take, double a, double b)
{
    uint64_t ua, ub;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    const uint64_t mask = (uint64_t)0 - (uint64_t)(take != 0);
    const uint64_t r = (ua & mask) | (ub & ~mask);
    double out;
    memcpy(&out, &r, sizeof out);
    return out;
}

/* a if x < y else b, the same without leaving the floating-point registers
 * where the instruction set allows (SSE2 on every x86-64, NEON on arm64):
 * a compare mask and a bit select, no round trip through an integer
 * register on the chain's critical path. */
#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
static inline double select_less(double x, double y, double a, double b)
{
    const __m128d mask = _mm_cmplt_sd(_mm_set_sd(x), _mm_set_sd(y));
    return _mm_cvtsd_f64(_mm_or_pd(_mm_and_pd(mask, _mm_set_sd(a)),
                                   _mm_andnot_pd(mask, _mm_set_sd(b))));
}
#elif defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>
static inline double select_less(double x, double y, double a, double b)
{
    const uint64x1_t mask = vclt_f64(vdup_n_f64(x), vdup_n_f64(y));
    return vget_lane_f64(vbsl_f64(mask, vdup_n_f64(a), vdup_n_f64(b)), 0);
}
#else
static inline double select_less(double x, double y, double a, double b)
{
    return select_double(x < y, a, b);
}
#endif

static int chain(const pf_mh_stats *st, const pf_mh_params *p, pf_mh_fill_fn fill,
                 const pf_mh_draws *draws, intptr_t samples, double *out, pf_mh_info *info)
{
    const double n = (double)st->n;
    const double c = st->center, t1 = st->t1, t2 = st->t2;
    const double m0 = p->prior_mu, w = p->proposal_width;
    const double inv_s = 1.0 / p->prior_sd, inv_s2 = inv_s * inv_s;
    /* In nu = mu - c: log ratio = d * (k - r * (nu + d/2)), d = mu_p - mu,
     * k = t1 + (m0 - c)/s**2 and r = n + 1/s**2 (the likelihood and the
     * prior terms of metropolis.h, gathered), = pk - nu * qk with
     * pk = d * (k - r*d/2) and qk = r * d known before the chain reaches the
     * step.  The fast decision below, mu * qk < bk, leaves one product, the
     * comparison and the select on the chain's critical path. */
    const double k = t1 + (m0 - c) * inv_s2;
    const double r = n + inv_s2;
    const double k_abs = fabs(t1) + fabs(m0 - c) * inv_s2;
    const int use_tie = p->tie != NULL && p->tie_margin > 0;
    /* |log prior| = y**2/2 + |log(s*sqrt(2 pi))|: the constant part, twice */
    const double prior_const = 2.0 * fabs(PF_LOG_SQRT_2PI - log(inv_s));
    const double lik_const = 2.0 * n * PF_LOG_SQRT_2PI;
    const int do_poll = p->poll != NULL && p->poll_every > 0;
    intptr_t until_poll = p->poll_every;
    pf_mh_info local = {0, 0};
    /* The "clearly away" test below: near0 + near2 * nu**2 >= what the two
     * terms that follow may need, twice over, for every step whatever the
     * chain's nu = mu - c, with near0 = g0 + 2e-15 |log u| + |d| (g1 + g2 |d|)
     * and near2 = h0 + h1 |d|; a NaN (inf * 0) fails the test, as it must.
     *
     * 1. Rounding: the fast decision mu * qk < bk, bk = (pk - log u) + c * qk
     * (lu < pk - nu * qk with mu's product taken first: one multiplication
     * on the critical path, not three operations), and lu < the log ratio
     * below differ from the exact value of the latter by at most
     * eps (5|pk| + 2|lu| + 3|c qk| + 4|nu qk|) together, eps = 2**-52; with
     * |pk| <= |k| |d| + r d**2/2, |qk| = r |d| and |nu qk| <= (nu**2 + qk**2)/2,
     * and 1e-15 > 4 eps.
     * 2. The tie zone's tol, bounded in the same way with nu_p = nu + d and
     * |x| <= (1 + x**2)/2, term by term (mag: the log-densities; err: our
     * rounding, as in the tie zone below). */
    const double ak = fabs(k), ac = fabs(c), cm = c - m0;
    const double tm = use_tie ? p->tie_margin : 0.0, te = use_tie ? 1e-15 : 0.0;
    const double mag0 = 1.0 + lik_const + prior_const + t2 + 2.5 * inv_s2 * cm * cm;
    const double mag1 = ak, mag2 = n + 1.5 * inv_s2 + 0.5 * r + 0.5 * r * r;
    const double err0 = 2.0 * ac * ak + ak + r * ac;
    const double err1 = 2.0 * ak + k_abs + 4.0 * r * ac + 2.5 * r;
    const double err2 = 3.5 * r + 0.5 * r * r;
    const double mag_q = 1.5 * n + 2.5 * inv_s2 + 0.5, err_q = 0.5 + 2.0 * r + ak + r * ac;
    /* (use_tie ? : 0, not a product with 0: inf * 0 would be NaN) */
    const double g0 = PF_FAST_LOG_ERR + (use_tie ? 2.0 * (tm * mag0 + te * err0) : 0.0);
    const double g1 = 1e-15 * (5.0 * ak + 3.0 * ac * r) +
                      (use_tie ? 2.0 * (tm * mag1 + te * err1) : 0.0);
    const double g2 = 1e-15 * (2.5 * r + 2.0 * r * r) +
                      (use_tie ? 2.0 * (tm * mag2 + te * err2) : 0.0);
    const double h0 = 2e-15 + (use_tie ? 2.0 * (tm * mag_q + te * err_q) : 0.0);
    const double h1 = use_tie ? 2.0 * te * 2.5 * r : 0.0;

    const pf_mh_block_consts kc = {k, r, c, g0, g1, g2, h0, h1};
    static const pf_mh_prepare_fn prepares[PF_SIMD_NLEVELS] = PF_LEVEL_TABLE(pf_mh_prepare);
    pf_mh_prepare_fn prepare;
    PF_PICK_LEVEL(prepares, pf_selected_simd_level(), prepare);

    double mu = p->mu_init;
    out[0] = mu;
    double d_buf[PF_MH_BLOCK], u_buf[PF_MH_BLOCK], lu_buf[PF_MH_BLOCK];
    double pk_buf[PF_MH_BLOCK], qk_buf[PF_MH_BLOCK], bk_buf[PF_MH_BLOCK];
    double near0_buf[PF_MH_BLOCK], near2_buf[PF_MH_BLOCK];
    for (intptr_t i0 = 0; i0 < samples; i0 += PF_MH_BLOCK) {
        const intptr_t m = samples - i0 < PF_MH_BLOCK ? samples - i0 : PF_MH_BLOCK;
        if (do_poll && i0 > 0 && (until_poll -= m) <= 0) {
            until_poll = p->poll_every;
            if (p->poll(p->poll_ctx) != 0) {
                if (info != NULL)
                    *info = local;
                return PF_MH_ERROR;
            }
        }
        fill(draws, m, w, d_buf, u_buf);
        /* Nothing here depends on the chain. */
        const int odd = prepare(&kc, m, d_buf, u_buf, pk_buf, qk_buf, lu_buf, bk_buf, near0_buf,
                                near2_buf);
        if (odd) { /* 0 (or a subnormal, or no number): rare, done exactly */
            for (intptr_t j = 0; j < m; j++)
                if (!(u_buf[j] >= DBL_MIN)) {
                    lu_buf[j] = u_buf[j] > 0.0 ? log(u_buf[j]) : -INFINITY;
                    bk_buf[j] = (pk_buf[j] - lu_buf[j]) + c * qk_buf[j];
                    near0_buf[j] = INFINITY; /* always the careful path */
                }
        }

        for (intptr_t j = 0; j < m; j++) {
            const double mu_p = mu + d_buf[j]; /* NumPy's loc + scale * z */
            const double nu = mu - c;
            const double log_ratio = pk_buf[j] - nu * qk_buf[j];
            /* Almost every step: log(u) clearly away from the log ratio,
             * and the fast decision is the exact one (the branch is then
             * always taken, and nothing of its test is on the critical
             * path). */
            if (fabs(lu_buf[j] - log_ratio) > near0_buf[j] + near2_buf[j] * (nu * nu)) {
                const double prod = mu * qk_buf[j];
                local.accepted += prod < bk_buf[j];
                mu = select_less(prod, bk_buf[j], mu_p, mu);
                out[i0 + j + 1] = mu;
                continue;
            }
            int accept = lu_buf[j] < log_ratio;

            /* The tie zone: tie_margin times the scale of the log-densities
             * the notebook multiplies out (its rounding errors, and ours in
             * the form above, are far below that), plus a bound on our
             * rounding error when that is larger (data far from 0 relative
             * to their spread). */
            double tol = 0.0;
            if (use_tie) {
                const double d = d_buf[j];
                const double nu_p = mu_p - c;
                const double yc = (mu - m0) * inv_s, yp = (mu_p - m0) * inv_s;
                const double qc = t2 + n * nu * nu, qp = t2 + n * nu_p * nu_p;
                const double mag = 1.0 + lik_const + prior_const + 0.5 * (qc + qp) +
                                   0.5 * (yc * yc + yp * yp) + fabs(pk_buf[j]) +
                                   fabs(nu * qk_buf[j]);
                const double err = 1e-15 * (fabs(pk_buf[j]) + fabs(nu * qk_buf[j]) +
                                            fabs(d) * (k_abs + r * fabs(d)) +
                                            (fabs(mu_p) + fabs(mu)) *
                                                (fabs(k - r * nu_p) + r * fabs(d)));
                /* Past log(DBL_MIN) = -708.40 the notebook's likelihood
                 * underflows: its ratio means nothing, no need to ask. */
                const int representable = lik_const + qc < 2.0 * 708.5 &&
                                          lik_const + qp < 2.0 * 708.5;
                tol = representable ? p->tie_margin * mag + err : 0.0;
            }
            if (fabs(lu_buf[j] - log_ratio) <= PF_FAST_LOG_ERR + tol) {
                const double u = u_buf[j];
                const double lu = u > 0.0 ? log(u) : -INFINITY;
                accept = lu < log_ratio;
                if (tol > 0.0 && fabs(lu - log_ratio) <= tol) {
                    local.ties++;
                    const int rr = p->tie(p->tie_ctx, mu, mu_p, u);
                    if (rr == PF_MH_ERROR) {
                        if (info != NULL)
                            *info = local;
                        return PF_MH_ERROR;
                    }
                    if (rr != PF_MH_UNDECIDED)
                        accept = rr == PF_MH_ACCEPT;
                }
            }
            mu = select_double(accept, mu_p, mu);
            local.accepted += accept;
            out[i0 + j + 1] = mu;
        }
    }
    if (info != NULL)
        *info = local;
    return 0;
}

/* NumPy's legacy_gauss (the Marsaglia polar method, the second value of
 * each pair cached), over any source of NumPy's doubles: NEXT_DOUBLE is an
 * expression giving the next one. */
#define LEGACY_GAUSS(result, has_gauss, gauss, NEXT_DOUBLE)                                   \
    do {                                                                                      \
        if (has_gauss) {                                                                      \
            (result) = (gauss);                                                               \
            (has_gauss) = 0;                                                                  \
            (gauss) = 0.0;                                                                    \
        } else {                                                                              \
            double x1_, x2_, r2_;                                                             \
            do {                                                                              \
                x1_ = 2.0 * (NEXT_DOUBLE) - 1.0;                                              \
                x2_ = 2.0 * (NEXT_DOUBLE) - 1.0;                                              \
                r2_ = x1_ * x1_ + x2_ * x2_;                                                  \
            } while (r2_ >= 1.0 || r2_ == 0.0);                                               \
            const double f_ = sqrt(-2.0 * log(r2_) / r2_);                                    \
            (gauss) = f_ * x1_;                                                               \
            (has_gauss) = 1;                                                                  \
            (result) = f_ * x2_;                                                              \
        }                                                                                     \
    } while (0)

#define BITGEN_DOUBLE(bg) ((bg)->next_double((bg)->state))

double pf_legacy_gauss(void *state_)
{
    pf_legacy_gauss_state *state = state_;
    double g;
    LEGACY_GAUSS(g, state->has_gauss, state->gauss, BITGEN_DOUBLE(state->bitgen));
    return g;
}

double pf_legacy_uniform(void *state_)
{
    const pf_legacy_gauss_state *state = state_;
    return BITGEN_DOUBLE(state->bitgen);
}

double pf_legacy_gauss_mt(void *state_)
{
    pf_legacy_gauss_state *state = state_;
    double g;
    LEGACY_GAUSS(g, state->has_gauss, state->gauss, pf_mt_next_double(state->mt, &state->mt->pos));
    return g;
}

double pf_legacy_uniform_mt(void *state_)
{
    pf_legacy_gauss_state *state = state_;
    return pf_mt_next_double(state->mt, &state->mt->pos);
}

double pf_legacy_gauss_check(void *state_)
{
    pf_legacy_gauss_state *state = state_;
    double g;
    LEGACY_GAUSS(g, state->has_gauss, state->gauss,
                 pf_mt_check_next_double(state->check, &state->check->stream.pos));
    return g;
}

double pf_legacy_uniform_check(void *state_)
{
    pf_legacy_gauss_state *state = state_;
    return pf_mt_check_next_double(state->check, &state->check->stream.pos);
}

static void fill_any(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u)
{
    for (intptr_t j = 0; j < m; j++) {
        d[j] = w * draws->standard_normal(draws->state); /* NumPy's scale * z */
        u[j] = draws->uniform(draws->state);
    }
}

/* The same with the draws inlined and the state in locals. */
static void fill_legacy(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u)
{
    pf_legacy_gauss_state *state = draws->state;
    bitgen_t *bg = state->bitgen;
    int has_gauss = state->has_gauss;
    double gauss = state->gauss;
    for (intptr_t j = 0; j < m; j++) {
        double z;
        LEGACY_GAUSS(z, has_gauss, gauss, BITGEN_DOUBLE(bg));
        d[j] = w * z;
        u[j] = BITGEN_DOUBLE(bg);
    }
    state->has_gauss = has_gauss;
    state->gauss = gauss;
}

static void fill_legacy_mt(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u)
{
    pf_legacy_gauss_state *state = draws->state;
    pf_mt_stream *mt = state->mt;
    int pos = mt->pos;
    int has_gauss = state->has_gauss;
    double gauss = state->gauss;
    for (intptr_t j = 0; j < m; j++) {
        double z;
        LEGACY_GAUSS(z, has_gauss, gauss, pf_mt_next_double(mt, &pos));
        d[j] = w * z;
        u[j] = pf_mt_next_double(mt, &pos);
    }
    mt->pos = pos;
    state->has_gauss = has_gauss;
    state->gauss = gauss;
}

static void fill_legacy_check(const pf_mh_draws *draws, intptr_t m, double w, double *d,
                              double *u)
{
    pf_legacy_gauss_state *state = draws->state;
    pf_mt_check *check = state->check;
    int pos = check->stream.pos;
    int has_gauss = state->has_gauss;
    double gauss = state->gauss;
    for (intptr_t j = 0; j < m; j++) {
        double z;
        LEGACY_GAUSS(z, has_gauss, gauss, pf_mt_check_next_double(check, &pos));
        d[j] = w * z;
        u[j] = pf_mt_check_next_double(check, &pos);
    }
    check->stream.pos = pos;
    state->has_gauss = has_gauss;
    state->gauss = gauss;
}

int pf_metropolis(const pf_mh_stats *st, const pf_mh_params *p, const pf_mh_draws *draws,
                  intptr_t samples, double *out, pf_mh_info *info)
{
    pf_mh_fill_fn fill = fill_any;
    if (draws->standard_normal == pf_legacy_gauss_mt && draws->uniform == pf_legacy_uniform_mt)
        fill = fill_legacy_mt;
    else if (draws->standard_normal == pf_legacy_gauss_check &&
             draws->uniform == pf_legacy_uniform_check)
        fill = fill_legacy_check;
    else if (draws->standard_normal == pf_legacy_gauss && draws->uniform == pf_legacy_uniform)
        fill = fill_legacy;
    return chain(st, p, fill, draws, samples, out, info);
}

int pf_metropolis_filled(const pf_mh_stats *st, const pf_mh_params *p, pf_mh_fill_fn fill,
                         const pf_mh_draws *draws, intptr_t samples, double *out,
                         pf_mh_info *info)
{
    return chain(st, p, fill, draws, samples, out, info);
}
