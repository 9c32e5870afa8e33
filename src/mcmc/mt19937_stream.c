/* MT19937 read straight from NumPy's bit generator state; see mt19937_stream.h. */
#include "mcmc/mt19937_stream.h"

#include <string.h>

#include "runtime/cpu_features.h"

/* The pairs of a new key at position `from`; a deliberately wrong one under
 * PF_MT_FAULT_DOUBLE (the second double of the key, which every stream that
 * gets past a twist draws). */
static void make_pairs(pf_mt_stream *m, int from)
{
    m->pairs(m->state->key, m->pair, from);
    if (m->fault == PF_MT_FAULT_DOUBLE && from == 0) {
        uint64_t bits;
        memcpy(&bits, &m->pair[1], sizeof bits);
        bits ^= 1;
        memcpy(&m->pair[1], &bits, sizeof bits);
    }
}

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

void pf_mt_stream_open_on(pf_mt_stream *m, bitgen_t *bitgen, pf_mt19937_layout *state)
{
    static const pf_mt_twist_fn twists[PF_SIMD_NLEVELS] = PF_LEVEL_TABLE(pf_mt_twist);
    static const pf_mt_pairs_fn pairss[PF_SIMD_NLEVELS] = PF_LEVEL_TABLE(pf_mt_pairs);
    const pf_simd_level level = pf_selected_simd_level();
    PF_PICK_LEVEL(twists, level, m->twist);
    PF_PICK_LEVEL(pairss, level, m->pairs);
    m->bitgen = bitgen;
    m->state = state;
    m->twists = 0;
    m->fault = PF_MT_FAULT_NONE;
    pf_mt_stream_reload(m);
}

void pf_mt_stream_open(pf_mt_stream *m, bitgen_t *bitgen, int direct)
{
    pf_mt_stream_open_on(m, bitgen, direct ? (pf_mt19937_layout *)bitgen->state : NULL);
}

void pf_mt_stream_sync(pf_mt_stream *m, int pos)
{
    m->pos = pos;
    if (m->state != NULL)
        m->state->pos = m->fault == PF_MT_FAULT_POSITION ? pos ^ 2 : pos;
}

double pf_mt_stream_next_double_slow(pf_mt_stream *m)
{
    if (m->state == NULL)
        return m->bitgen->next_double(m->bitgen->state);
    m->twists++;
    if (m->pos == PF_MT_N - 1) { /* the last word, then the first of the next key */
        const uint32_t a = pf_mt_temper(m->state->key[PF_MT_N - 1]);
        m->twist(m->state->key);
        make_pairs(m, 1);
        m->pos = 1;
        return pf_mt_word_pair(a, pf_mt_temper(m->state->key[0]));
    }
    m->twist(m->state->key);
    make_pairs(m, 0);
    m->pos = 2;
    return m->pair[0];
}

void pf_mt_check_open(pf_mt_check *c, bitgen_t *bitgen, int fault)
{
    c->live = (pf_mt19937_layout *)bitgen->state;
    c->bitgen = bitgen;
    c->mismatch = 0;
    memcpy(&c->copy, c->live, sizeof c->copy);
    pf_mt_stream_open_on(&c->stream, bitgen, &c->copy);
    c->stream.fault = fault;
    /* a position NumPy never leaves: the layout is not the one assumed */
    c->mismatch = c->stream.state == NULL;
}

void pf_mt_check_sync(pf_mt_check *c)
{
    if (c->mismatch)
        return;
    pf_mt_stream_sync(&c->stream, c->stream.pos);
    c->mismatch = memcmp(&c->copy, c->live, sizeof c->copy) != 0;
}

void pf_mt_check_reload(pf_mt_check *c)
{
    if (c->mismatch)
        return;
    memcpy(&c->copy, c->live, sizeof c->copy);
    pf_mt_stream_reload(&c->stream);
    c->mismatch = c->stream.state == NULL;
}
