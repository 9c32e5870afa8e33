/* MT19937 read straight from NumPy's bit generator state; see mt19937_stream.h. */
#include "mcmc/mt19937_stream.h"

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
static void twist(uint32_t *key)
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

static inline uint32_t temper(uint32_t y)
{
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

/* NumPy's double of two consecutive words: 27 bits of a, 26 of b. */
static inline double word_pair(uint32_t a, uint32_t b)
{
    return ((int32_t)(a >> 5) * 67108864.0 + (int32_t)(b >> 6)) / 9007199254740992.0;
}

/* pair[from .. N - 2] from the current key; two plain loops that vectorise. */
static void build_pairs(pf_mt_stream *m, int from)
{
    uint32_t tempered[PF_MT_N];
    const uint32_t *key = m->state->key;
    for (int i = from; i < PF_MT_N; i++)
        tempered[i] = temper(key[i]);
    for (int i = from; i < PF_MT_N - 1; i++)
        m->pair[i] = word_pair(tempered[i], tempered[i + 1]);
}

int pf_mt_stream_reload(pf_mt_stream *m)
{
    if (m->state != NULL) {
        const int pos = m->state->pos;
        if (pos >= 0 && pos <= PF_MT_N) {
            m->pos = pos;
            if (pos < PF_MT_N)
                build_pairs(m, pos);
            return pos;
        }
        m->state = NULL; /* not a position NumPy leaves: forward from now on */
    }
    m->pos = PF_MT_N;
    return m->pos;
}

void pf_mt_stream_open(pf_mt_stream *m, bitgen_t *bitgen, int direct)
{
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

double pf_mt_stream_next_double_slow(pf_mt_stream *m, int *pos)
{
    if (m->state == NULL)
        return m->bitgen->next_double(m->bitgen->state);
    if (*pos == PF_MT_N - 1) { /* the last word, then the first of the next key */
        const uint32_t a = temper(m->state->key[PF_MT_N - 1]);
        twist(m->state->key);
        build_pairs(m, 0);
        *pos = 1;
        return word_pair(a, temper(m->state->key[0]));
    }
    twist(m->state->key);
    build_pairs(m, 0);
    *pos = 2;
    return m->pair[0];
}
