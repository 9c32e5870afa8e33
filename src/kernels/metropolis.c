/* The Metropolis chain of the notebook's sampler; see metropolis.h. */
#include "kernels/metropolis.h"

#include <math.h>

/* log(sqrt(2*pi)) */
#define PF_LOG_SQRT_2PI 0.91893853320467274178

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

int pf_metropolis(const pf_mh_stats *st, const pf_mh_params *p, const pf_mh_draws *draws,
                  intptr_t samples, double *out, pf_mh_info *info)
{
    const double n = (double)st->n;
    const double c = st->center, t1 = st->t1, t2 = st->t2;
    const double m0 = p->prior_mu, s = p->prior_sd, w = p->proposal_width;
    const int use_tie = p->tie != NULL && p->tie_margin > 0;
    /* |log prior| = y**2/2 + |log(s*sqrt(2 pi))|: the constant part, twice */
    const double prior_const = 2.0 * fabs(log(s) + PF_LOG_SQRT_2PI);
    const double lik_const = 2.0 * n * PF_LOG_SQRT_2PI;
    pf_mh_info local = {0, 0};

    double mu = p->mu_init;
    out[0] = mu;
    for (intptr_t i = 0; i < samples; i++) {
        if (p->poll != NULL && p->poll_every > 0 && i > 0 && i % p->poll_every == 0) {
            if (p->poll(p->poll_ctx) != 0) {
                if (info != NULL)
                    *info = local;
                return PF_MH_ERROR;
            }
        }
        const double mu_p = draws->normal(draws->state, mu, w);
        const double u = draws->uniform(draws->state);

        /* log(p_proposal / p_current), see metropolis.h */
        const double delta = mu_p - mu;
        const double a = t1 + n * (c - mu); /* sum(d - mu) */
        const double lik = st->n > 0 ? delta * (a - n * delta / 2.0) : 0.0;
        const double yc = (mu - m0) / s;
        const double ds = delta / s;
        const double pri = -ds * (yc + ds / 2.0);
        const double log_ratio = lik + pri;

        /* The scale of the log-densities the notebook multiplies out: its
         * rounding errors, and ours, are far below tie_margin times this. */
        double tol = 0.0;
        if (use_tie) {
            const double yp = yc + ds;
            const double qc = t2 + n * (c - mu) * (c - mu);
            const double qp = t2 + n * (c - mu_p) * (c - mu_p);
            const double mag = 1.0 + lik_const + prior_const + 0.5 * (qc + qp) +
                               0.5 * (yc * yc + yp * yp) +
                               fabs(delta) * (fabs(a) + n * fabs(delta)) + fabs(pri);
            tol = p->tie_margin * mag;
        }

        /* log(u) lies in [1 - 1/u, u - 1]: decide without log when the
         * bounds already clear the tie zone. */
        int accept;
        if (u - 1.0 < log_ratio - tol) {
            accept = 1;
        } else if (u > 0.0 && 1.0 - 1.0 / u > log_ratio + tol) {
            accept = 0;
        } else {
            const double lu = u > 0.0 ? log(u) : -INFINITY;
            accept = lu < log_ratio;
            if (use_tie && fabs(lu - log_ratio) <= tol) {
                local.ties++;
                const int r = p->tie(p->tie_ctx, mu, mu_p, u);
                if (r == PF_MH_ERROR) {
                    if (info != NULL)
                        *info = local;
                    return PF_MH_ERROR;
                }
                if (r != PF_MH_UNDECIDED)
                    accept = r == PF_MH_ACCEPT;
            }
        }
        if (accept) {
            mu = mu_p;
            local.accepted++;
        }
        out[i + 1] = mu;
    }
    if (info != NULL)
        *info = local;
    return 0;
}

double pf_legacy_normal(void *state_, double loc, double scale)
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
    return loc + scale * g;
}

double pf_legacy_uniform(void *state_)
{
    const pf_legacy_gauss_state *state = state_;
    return state->bitgen->next_double(state->bitgen->state);
}
