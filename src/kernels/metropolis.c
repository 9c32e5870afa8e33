/* The Metropolis chain of the notebook's sampler; see metropolis.h. */
#include "kernels/metropolis.h"

#include <math.h>
#include <string.h>

/* log(sqrt(2*pi)) */
#define PF_LOG_SQRT_2PI 0.91893853320467274178

/* Steps drawn ahead at a time. */
#define PF_MH_BLOCK 256

int pf_mh_stats_compute(const char *data, intptr_t n, intptr_t stride,
                        pf_mh_stats *st, intptr_t *bad)
{
    double sum = 0.0;
    for (intptr_t i = 0; i < n; i++) {
        const double d = *(const double *)(data + i * stride);
        if (!isfinite(d)) {
            *bad = i;
            return -1;
        }
        sum += d;
    }
    /* Any center is exact in the formulas; the mean keeps t1 small. */
    double center = n > 0 ? sum / (double)n : 0.0;
    if (!isfinite(center))
        center = 0.0;
    /* Neumaier's compensated sum of d - center. */
    double t1 = 0.0, comp = 0.0, t2 = 0.0;
    for (intptr_t i = 0; i < n; i++) {
        const double e = *(const double *)(data + i * stride) - center;
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
    st->t1 = t1 + comp;
    st->t2 = t2;
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

int pf_metropolis(const pf_mh_stats *st, const pf_mh_params *p, const pf_mh_draws *draws,
                  intptr_t samples, double *out, pf_mh_info *info)
{
    const double n = (double)st->n;
    const double c = st->center, t1 = st->t1, t2 = st->t2;
    const double m0 = p->prior_mu, w = p->proposal_width;
    /* 1/s instead of dividing by s: the log ratio only has to be right to
     * well within the tie margin, and a few ulps of it are. */
    const double inv_s = 1.0 / p->prior_sd;
    const int use_tie = p->tie != NULL && p->tie_margin > 0;
    /* |log prior| = y**2/2 + |log(s*sqrt(2 pi))|: the constant part, twice */
    const double prior_const = 2.0 * fabs(PF_LOG_SQRT_2PI - log(inv_s));
    const double lik_const = 2.0 * n * PF_LOG_SQRT_2PI;
    const int has_data = st->n > 0;
    const int do_poll = p->poll != NULL && p->poll_every > 0;
    intptr_t until_poll = p->poll_every;
    pf_mh_info local = {0, 0};

    double mu = p->mu_init;
    out[0] = mu;
    double z_buf[PF_MH_BLOCK], u_buf[PF_MH_BLOCK], lu_buf[PF_MH_BLOCK];
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
        for (intptr_t k = 0; k < m; k++) {
            z_buf[k] = draws->standard_normal(draws->state);
            u_buf[k] = draws->uniform(draws->state);
        }
        /* log(u) does not depend on the chain: out of its critical path */
        for (intptr_t k = 0; k < m; k++)
            lu_buf[k] = u_buf[k] > 0.0 ? log(u_buf[k]) : -INFINITY;

        for (intptr_t k = 0; k < m; k++) {
            const double mu_p = mu + w * z_buf[k]; /* NumPy's loc + scale * z */
            const double lu = lu_buf[k];

            /* log(p_proposal / p_current), see metropolis.h */
            const double delta = mu_p - mu;
            const double a = t1 + n * (c - mu); /* sum(d - mu) */
            const double lik = has_data ? delta * (a - n * delta / 2.0) : 0.0;
            const double yc = (mu - m0) * inv_s;
            const double ds = delta * inv_s;
            const double pri = -ds * (yc + ds / 2.0);
            const double log_ratio = lik + pri;
            int accept = lu < log_ratio;

            if (use_tie) {
                /* The scale of the log-densities the notebook multiplies
                 * out: its rounding errors, and ours, are far below
                 * tie_margin times this. */
                const double yp = yc + ds;
                const double qc = t2 + n * (c - mu) * (c - mu);
                const double qp = t2 + n * (c - mu_p) * (c - mu_p);
                const double mag = 1.0 + lik_const + prior_const + 0.5 * (qc + qp) +
                                   0.5 * (yc * yc + yp * yp) +
                                   fabs(delta) * (fabs(a) + n * fabs(delta)) + fabs(pri);
                /* Past log(DBL_MIN) = -708.40 the notebook's likelihood
                 * underflows: its ratio means nothing, no need to ask. */
                const int representable = lik_const + qc < 2.0 * 708.5 &&
                                          lik_const + qp < 2.0 * 708.5;
                if (representable && fabs(lu - log_ratio) <= p->tie_margin * mag) {
                    local.ties++;
                    const int r = p->tie(p->tie_ctx, mu, mu_p, u_buf[k]);
                    if (r == PF_MH_ERROR) {
                        if (info != NULL)
                            *info = local;
                        return PF_MH_ERROR;
                    }
                    if (r != PF_MH_UNDECIDED)
                        accept = r == PF_MH_ACCEPT;
                }
            }
            mu = select_double(accept, mu_p, mu);
            local.accepted += accept;
            out[i0 + k + 1] = mu;
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
