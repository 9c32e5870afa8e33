/* The Metropolis chain of the notebook's sampler; see metropolis.h. */
#include "mcmc/metropolis.h"

#include <float.h>
#include <math.h>
#include <string.h>

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

/* log(u) to within PF_FAST_LOG_ERR, for u >= DBL_MIN (else exact): the
 * exponent, and 2*atanh(t) = log(m) for the mantissa m in [sqrt(1/2),
 * sqrt(2)), t = (m - 1)/(m + 1), |t| <= 0.1716, by its series to t**7
 * (truncation < 2 t**9 / 9 / (1 - t**2) < 3.2e-8).  A step whose decision is
 * that close uses the exact log; the others need not wait for it. */
#define PF_FAST_LOG_ERR 1e-7
static inline double fast_log(double u)
{
    if (!(u >= DBL_MIN))
        return u > 0.0 ? log(u) : -INFINITY;
    uint64_t bits;
    memcpy(&bits, &u, sizeof bits);
    /* mantissa bits above those of sqrt(2): halve m, one more in e */
    const uint64_t frac = bits & 0x000fffffffffffffULL;
    const uint64_t up = frac > 0x6a09e667f3bcdULL;
    const int64_t e = (int64_t)((bits >> 52) & 0x7ff) - 1023 + (int64_t)up;
    const uint64_t mbits = frac | (0x3ff0000000000000ULL - (up << 52));
    double m;
    memcpy(&m, &mbits, sizeof m);
    const double t = (m - 1.0) / (m + 1.0);
    const double t2 = t * t;
    const double series = 2.0 * t * (1.0 + t2 * (1.0 / 3 + t2 * (1.0 / 5 + t2 * (1.0 / 7))));
    return (double)e * 0.69314718055994530942 + series;
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

/* The chain, with the draws as arguments so that the legacy instantiation
 * below calls pf_legacy_gauss / pf_legacy_uniform directly (inlined). */
static inline int chain(const pf_mh_stats *st, const pf_mh_params *p,
                        double (*standard_normal)(void *), double (*uniform)(void *),
                        void *state, intptr_t samples, double *out, pf_mh_info *info)
{
    const double n = (double)st->n;
    const double c = st->center, t1 = st->t1, t2 = st->t2;
    const double m0 = p->prior_mu, w = p->proposal_width;
    const double inv_s = 1.0 / p->prior_sd, inv_s2 = inv_s * inv_s;
    /* In nu = mu - c: log ratio = d * (k - r * (nu + d/2)), d = mu_p - mu,
     * k = t1 + (m0 - c)/s**2 and r = n + 1/s**2 (the likelihood and the
     * prior terms of metropolis.h, gathered), = pk - nu * qk with
     * pk = d * (k - r*d/2) and qk = r * d known before the chain reaches the
     * step.  The chain's critical path is then nu, one product, one
     * difference, the comparison and the select. */
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

    double mu = p->mu_init;
    out[0] = mu;
    double d_buf[PF_MH_BLOCK], u_buf[PF_MH_BLOCK], lu_buf[PF_MH_BLOCK];
    double pk_buf[PF_MH_BLOCK], qk_buf[PF_MH_BLOCK];
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
        for (intptr_t j = 0; j < m; j++) {
            d_buf[j] = w * standard_normal(state); /* NumPy's scale * z */
            u_buf[j] = uniform(state);
        }
        /* Nothing here depends on the chain. */
        for (intptr_t j = 0; j < m; j++) {
            const double d = d_buf[j];
            pk_buf[j] = d * (k - r * d / 2.0);
            qk_buf[j] = r * d;
            lu_buf[j] = fast_log(u_buf[j]);
        }

        for (intptr_t j = 0; j < m; j++) {
            const double mu_p = mu + d_buf[j]; /* NumPy's loc + scale * z */
            const double nu = mu - c;
            const double log_ratio = pk_buf[j] - nu * qk_buf[j];
            int accept = lu_buf[j] < log_ratio;

            /* The tie zone: tie_margin times the scale of the log-densities
             * the notebook multiplies out (its rounding errors, and ours in
             * the form above, are far below that), plus a bound on our
             * rounding error when that is larger (data far from 0 relative
             * to their spread).  None of this is on the chain's critical
             * path: the branch below is almost never taken. */
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

double pf_legacy_gauss(void *state_)
{
    pf_legacy_gauss_state *state = state_;
    double g;
    if (state->has_gauss) {
        g = state->gauss;
        state->has_gauss = 0;
        state->gauss = 0.0;
    } else {
        bitgen_t *bg = state->bitgen;
        double x1, x2, r2;
        do {
            x1 = 2.0 * bg->next_double(bg->state) - 1.0;
            x2 = 2.0 * bg->next_double(bg->state) - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        const double f = sqrt(-2.0 * log(r2) / r2);
        state->gauss = f * x1;
        state->has_gauss = 1;
        g = f * x2;
    }
    return g;
}

double pf_legacy_uniform(void *state_)
{
    const pf_legacy_gauss_state *state = state_;
    return state->bitgen->next_double(state->bitgen->state);
}

int pf_metropolis(const pf_mh_stats *st, const pf_mh_params *p, const pf_mh_draws *draws,
                  intptr_t samples, double *out, pf_mh_info *info)
{
    if (draws->standard_normal == pf_legacy_gauss && draws->uniform == pf_legacy_uniform)
        return chain(st, p, pf_legacy_gauss, pf_legacy_uniform, draws->state, samples, out, info);
    return chain(st, p, draws->standard_normal, draws->uniform, draws->state, samples, out, info);
}
