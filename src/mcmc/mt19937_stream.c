/* MT19937 read straight from NumPy's bit generator state; see mt19937_stream.h. */
#include "mcmc/mt19937_stream.h"

#include "runtime/cpu_features.h"

int pf_mt_stream_reload(pf_mt_stream *m)
{
    if (m->state != NULL) {
        const int pos = m->state->pos;
        if (pos >= 0 && pos <= PF_MT_N) {
            m->pos = pos;
            m->pairs(m->state->key, m->pair, pos);
            return pos;
        }
        m->state = NULL; /* not a position NumPy leaves: forward from now on */
    }
    m->pos = PF_MT_N;
    return m->pos;
}

void pf_mt_stream_open(pf_mt_stream *m, bitgen_t *bitgen, int direct)
{
    static const pf_mt_twist_fn twists[PF_SIMD_NLEVELS] = PF_LEVEL_TABLE(pf_mt_twist);
    static const pf_mt_pairs_fn pairss[PF_SIMD_NLEVELS] = PF_LEVEL_TABLE(pf_mt_pairs);
    const pf_simd_level level = pf_selected_simd_level();
    PF_PICK_LEVEL(twists, level, m->twist);
    PF_PICK_LEVEL(pairss, level, m->pairs);
    m->bitgen = bitgen;
    m->state = direct ? (pf_mt19937_layout *)bitgen->state : NULL;
    pf_mt_stream_reload(m);
}

void pf_mt_stream_sync(pf_mt_stream *m, int pos)
{
    m->pos = pos;
    if (m->state != NULL)
        m->state->pos = pos;
}

double pf_mt_stream_next_double_slow(pf_mt_stream *m)
{
    if (m->state == NULL)
        return m->bitgen->next_double(m->bitgen->state);
    if (m->pos == PF_MT_N - 1) { /* the last word, then the first of the next key */
        const uint32_t a = pf_mt_temper(m->state->key[PF_MT_N - 1]);
        m->twist(m->state->key);
        m->pairs(m->state->key, m->pair, 1);
        m->pos = 1;
        return pf_mt_word_pair(a, pf_mt_temper(m->state->key[0]));
    }
    m->twist(m->state->key);
    m->pairs(m->state->key, m->pair, 0);
    m->pos = 2;
    return m->pair[0];
}
