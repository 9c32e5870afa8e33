/*
 * The lecture notebook's Metropolis sampler for the mean `mu` of data drawn
 * from Normal(mu, 1), with a Normal(prior_mu, prior_sd) prior, in plain C.
 *
 * The likelihood enters only through its sufficient statistics: with
 * c = mean(data), t1 = sum(d - c) (compensated) and n, the log of the
 * notebook's ratio p_proposal / p_current for a step from mu_c to mu_p,
 * delta = mu_p - mu_c, is
 *     delta * (t1 + n*(c - mu_c) - n*delta/2)                  (likelihood)
 *   - delta * ((mu_c - prior_mu) + delta/2) / prior_sd**2       (prior)
 * exactly in real arithmetic, and well conditioned in floating point (no
 * S2 - 2 mu S1 + n mu**2 cancellation), so a step costs O(1) whatever n is,
 * and data whose product of densities underflows still gives a valid chain.
 *
 * The step is accepted when log(u) < log ratio, u the uniform draw: the
 * notebook's `u < p_proposal / p_current` in exact arithmetic.  The two can
 * disagree only through rounding, i.e. when log(u) is within rounding of the
 * log ratio.  When |log(u) - log ratio| <= tie_margin * (the magnitude of the
 * log-densities involved), the kernel asks a tie-breaker (the glue computes
 * the notebook's own floating-point quantities) and uses its answer unless
 * it says PF_MH_UNDECIDED (the notebook's products are not representable).
 *
 * Random numbers come through function pointers, so this file needs neither
 * Python nor NumPy; pf_legacy_gauss below reproduces NumPy's legacy
 * RandomState.normal on any bitgen_t, pf_legacy_gauss_mt the same from an
 * MT19937 state read directly (mt19937_stream.h), pf_legacy_gauss_check
 * through bitgen_t while checking that stream.  The loops of a block that
 * do not depend on the chain are compiled at every SIMD level
 * (mcmc_levels.h).
 */
#ifndef POLYFAST_METROPOLIS_H
#define POLYFAST_METROPOLIS_H

#include <stdint.h>

#include <numpy/random/bitgen.h>

#include "mcmc/mt19937_stream.h"

typedef struct {
    intptr_t n;
    double center; /* mean(data), computed without overflow */
    double t1;     /* sum(d - center), compensated */
    double t2;     /* sum((d - center)**2), for the tie margin only */
} pf_mh_stats;

/* Fills `st` from n doubles `stride` bytes apart.  Returns 0, or -1 if an
 * item is not finite (its index in *bad). */
int pf_mh_stats_compute(const char *data, intptr_t n, intptr_t stride,
                        pf_mh_stats *st, intptr_t *bad);

/* The two draws of a step, in this order: a standard normal z (the proposal
 * is mu + proposal_width * z, NumPy's `loc + scale * z`), then a uniform u in
 * [0, 1).  They do not depend on the chain, so the kernel draws a block of
 * steps ahead (never past the last step: the generator ends where the
 * notebook's would) and then runs the chain over the block. */
typedef struct {
    double (*standard_normal)(void *state);
    double (*uniform)(void *state);
    void *state;
} pf_mh_draws;

enum { PF_MH_ERROR = -1, PF_MH_REJECT = 0, PF_MH_ACCEPT = 1, PF_MH_UNDECIDED = 2 };

/* Tie-breaker: PF_MH_ACCEPT/REJECT, PF_MH_UNDECIDED, or PF_MH_ERROR to stop. */
typedef int (*pf_mh_tie_fn)(void *ctx, double mu_current, double mu_proposal, double u);
/* Called every `poll_every` steps; nonzero stops the chain (PF_MH_ERROR). */
typedef int (*pf_mh_poll_fn)(void *ctx);

typedef struct {
    double mu_init, proposal_width, prior_mu, prior_sd;
    double tie_margin; /* relative; 0 or a NULL `tie` disables tie-breaking */
    pf_mh_tie_fn tie;
    void *tie_ctx;
    pf_mh_poll_fn poll;
    void *poll_ctx;
    intptr_t poll_every;
} pf_mh_params;

typedef struct {
    intptr_t accepted;
    intptr_t ties; /* steps sent to the tie-breaker */
} pf_mh_info;

/* Writes samples + 1 values to out (out[0] = mu_init).  Returns 0, or
 * PF_MH_ERROR if the tie-breaker or the poll asked to stop (out then holds
 * the chain so far). */
int pf_metropolis(const pf_mh_stats *st, const pf_mh_params *p, const pf_mh_draws *draws,
                  intptr_t samples, double *out, pf_mh_info *info);

/* Fills d[j] = proposal_width * z_j and u[j] for the next m steps, in the
 * notebook's order of draws (z then u, step by step). */
typedef void (*pf_mh_fill_fn)(const pf_mh_draws *draws, intptr_t m, double w, double *d,
                              double *u);
/* pf_metropolis with the caller's block filler (the glue's, which can call
 * NumPy's distributions directly). */
int pf_metropolis_filled(const pf_mh_stats *st, const pf_mh_params *p, pf_mh_fill_fn fill,
                         const pf_mh_draws *draws, intptr_t samples, double *out,
                         pf_mh_info *info);

/* NumPy's legacy Gaussian (RandomState.standard_normal, and normal(loc,
 * scale) = loc + scale * gauss): the Marsaglia polar method with the second
 * value of each pair cached, as in NumPy's legacy_gauss. */
typedef struct {
    bitgen_t *bitgen;
    int has_gauss;
    double gauss;
    pf_mt_stream *mt;   /* for the _mt pair below */
    pf_mt_check *check; /* for the _check pair below */
} pf_legacy_gauss_state;

double pf_legacy_gauss(void *state);   /* state: pf_legacy_gauss_state */
double pf_legacy_uniform(void *state); /* next_double of its bitgen */
/* The same, the doubles from state->mt (an MT19937 read directly). */
double pf_legacy_gauss_mt(void *state);
double pf_legacy_uniform_mt(void *state);
/* The same, bitgen's doubles while state->check compares the stream's. */
double pf_legacy_gauss_check(void *state);
double pf_legacy_uniform_check(void *state);

#endif
