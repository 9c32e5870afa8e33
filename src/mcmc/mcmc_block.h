/*
 * The body of mcmc_scalar.c and mcmc_simd.c (see mcmc_levels.h): included
 * once per SIMD level, after PF_LEVEL is defined.  Plain C loops; the
 * compiler vectorises them at each level's width.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "mcmc/mcmc_levels.h"

/* log(u) to within PF_FAST_LOG_ERR (metropolis.c), for u >= DBL_MIN (the caller handles
 * the others): the exponent, and 2*atanh(t) = log(m) for the mantissa m in
 * [sqrt(1/2), sqrt(2)), t = (m - 1)/(m + 1), |t| <= 0.1716, by its series to
 * t**7 (truncation < 2 t**9 / 9 / (1 - t**2) < 3.2e-8).  A step whose
 * decision is that close uses the exact log; the others need not wait for
 * it.  Only integer adds, shifts, masks and double arithmetic, no branch or
 * select, so that a loop of it vectorises with SSE2 or NEON alone. */
static inline double pf_fast_log(double u)
{
    uint64_t bits;
    memcpy(&bits, &u, sizeof bits);
    const uint64_t frac = bits & 0x000fffffffffffffULL;
    /* 1 if the mantissa is above sqrt(2) (frac > that of 0x3ff6a09e667f3bcd,
     * sqrt(2) rounded up), by a carry into bit 52: then m is halved and e is
     * one more, so that m lies in [sqrt(1/2), sqrt(2)) */
    const uint64_t up = (frac + (0x0010000000000000ULL - 0x6a09e667f3bcdULL - 1)) >> 52;
    /* the unbiased exponent as a double: (2**52 + biased e) - (2**52 + 1023) */
    const uint64_t ebits = ((bits >> 52) + up) | 0x4330000000000000ULL;
    const uint64_t mbits = frac | ((0x3ffULL - up) << 52);
    double e, m;
    memcpy(&e, &ebits, sizeof e);
    memcpy(&m, &mbits, sizeof m);
    e -= 4503599627370496.0 + 1023.0;
    const double t = (m - 1.0) / (m + 1.0);
    const double t2 = t * t;
    const double series = 2.0 * t * (1.0 + t2 * (1.0 / 3 + t2 * (1.0 / 5 + t2 * (1.0 / 7))));
    return e * 0.69314718055994530942 + series;
}

/* (restrict: eight arrays are too many for the vectoriser's run-time
 * overlap checks; the caller's are distinct) */
int PF_NAME(pf_mh_prepare)(const pf_mh_block_consts *kc, intptr_t m,
                           const double *restrict d, const double *restrict u,
                           double *restrict pk, double *restrict qk, double *restrict lu,
                           double *restrict bk, double *restrict near0,
                           double *restrict near2)
{
    const double k = kc->k, r = kc->r, c = kc->c;
    const double g0 = kc->g0, g1 = kc->g1, g2 = kc->g2, h0 = kc->h0, h1 = kc->h1;
    uint64_t odd = 0;
    for (intptr_t j = 0; j < m; j++) {
        const double dj = d[j];
        uint64_t ubits;
        memcpy(&ubits, &u[j], sizeof ubits);
        const uint64_t be = ubits >> 52; /* sign and biased exponent */
        odd |= ((be + 1) >> 11) | ((be - 1) >> 63); /* >= 2047, or 0 */
        const double p = dj * (k - r * dj / 2.0), q = r * dj, l = pf_fast_log(u[j]);
        pk[j] = p;
        qk[j] = q;
        lu[j] = l;
        bk[j] = (p - l) + c * q;
        const double ad = fabs(dj);
        near0[j] = g0 + 2e-15 * fabs(l) + ad * (g1 + g2 * ad);
        near2[j] = h0 + h1 * ad;
    }
    return odd != 0;
}

/* MT19937 (Matsumoto and Nishimura, 1998): the twist and the tempering. */
#define PF_MT_M 397
#define PF_MT_UPPER 0x80000000u
#define PF_MT_LOWER 0x7fffffffu
#define PF_MT_MATRIX_A 0x9908b0dfu

static inline uint32_t twist_word(uint32_t cur, uint32_t next, uint32_t far)
{
    const uint32_t y = (cur & PF_MT_UPPER) | (next & PF_MT_LOWER);
    return far ^ (y >> 1) ^ ((0u - (y & 1u)) & PF_MT_MATRIX_A);
}

/* The next 624 words in place.  Each of the three loops reads only words
 * it has not yet overwritten or ones overwritten by an earlier loop, so
 * each is free of loop-carried dependences (the compiler may vectorise
 * them) and the result is the sequential recurrence's. */
void PF_NAME(pf_mt_twist)(uint32_t *key)
{
    int i = 0;
    for (; i < PF_MT_N - PF_MT_M; i++)
        key[i] = twist_word(key[i], key[i + 1], key[i + PF_MT_M]);
    /* key[i + M - N] was rewritten by the first loop, at least 227 words
     * back: in blocks of 227 the second loop reads no word it writes. */
    for (; i < PF_MT_N - 1; i++)
        key[i] = twist_word(key[i], key[i + 1], key[i + PF_MT_M - PF_MT_N]);
    key[PF_MT_N - 1] = twist_word(key[PF_MT_N - 1], key[0], key[PF_MT_M - 1]);
}


void PF_NAME(pf_mt_pairs)(const uint32_t *key, double *pair, int from)
{
    const int count = (PF_MT_N - from) >> 1;
    key += from;
    pair += from >> 1;
    for (int t = 0; t < count; t++)
        pair[t] = pf_mt_word_pair(pf_mt_temper(key[2 * t]), pf_mt_temper(key[2 * t + 1]));
}
