/*
 * The sampler's loops without a loop-carried dependence, compiled at every
 * SIMD level (mcmc_scalar.c, mcmc_simd.c, from the one source in
 * mcmc_block.h): the compiler vectorises them with each level's vector
 * width.  They are the same IEEE operations at every level (no FMA: the
 * flags never enable it and -ffp-contract=off forbids contraction), so every
 * level gives the same bits.  Picked per call with PF_PICK_LEVEL and
 * pf_selected_simd_level().
 */
#ifndef POLYFAST_MCMC_LEVELS_H
#define POLYFAST_MCMC_LEVELS_H

#include <stdint.h>

#include "runtime/simd_levels.h"

#define PF_MT_N 624

/* MT19937's tempering of a word. */
static inline uint32_t pf_mt_temper(uint32_t y)
{
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

/* NumPy's double of two consecutive words: 27 bits of a, 26 of b. */
static inline double pf_mt_word_pair(uint32_t a, uint32_t b)
{
    return ((int32_t)(a >> 5) * 67108864.0 + (int32_t)(b >> 6)) / 9007199254740992.0;
}

/* What a block of steps needs of the chain's constants (metropolis.c). */
typedef struct {
    double k, r, c;         /* log ratio = pk - nu * qk, pk = d (k - r d / 2), qk = r d */
    double g0, g1, g2, h0, h1; /* the "clearly away" bound's coefficients */
} pf_mh_block_consts;

/* For j < m (the arrays distinct), from d[j] (proposal step) and u[j] (uniform):
 *   pk[j], qk[j]; lu[j] = log(u[j]) to within PF_FAST_LOG_ERR;
 *   bk[j] = (pk - lu) + c * qk;
 *   near0[j] = g0 + 2e-15 |lu| + |d| (g1 + g2 |d|), near2[j] = h0 + h1 |d|.
 * Returns nonzero if a u[j] is not in [DBL_MIN, inf) (its lu[j] is then not
 * the log: the caller fixes those). */
typedef int (*pf_mh_prepare_fn)(const pf_mh_block_consts *kc, intptr_t m, const double *d,
                                const double *u, double *pk, double *qk, double *lu,
                                double *bk, double *near0, double *near2);
/* MT19937's next 624 words in place. */
typedef void (*pf_mt_twist_fn)(uint32_t *key);
/* pair[i / 2] = NumPy's double of the tempered words i and i + 1, for i =
 * from, from + 2, ... < PF_MT_N - 1. */
typedef void (*pf_mt_pairs_fn)(const uint32_t *key, double *pair, int from);

#define PF_DECLARE_MCMC_LEVEL(level)                                                    \
    int pf_mh_prepare_##level(const pf_mh_block_consts *kc, intptr_t m, const double *d, \
                              const double *u, double *pk, double *qk, double *lu,       \
                              double *bk, double *near0, double *near2);                 \
    void pf_mt_twist_##level(uint32_t *key);                                            \
    void pf_mt_pairs_##level(const uint32_t *key, double *pair, int from);
PF_FOR_EACH_SIMD_LEVEL(PF_DECLARE_MCMC_LEVEL)

#endif
