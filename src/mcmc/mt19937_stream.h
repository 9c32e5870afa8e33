/*
 * MT19937 read straight from NumPy's MT19937 bit generator state, without a
 * call through bitgen_t per draw.
 *
 * The layout of that state (`mt19937_state` in NumPy's numpy/random/src/
 * mt19937/mt19937.h: the 624-word key, then the int position of the next
 * word) is private to NumPy.  The glue uses this stream only after
 * polyfast/_mcmc.py has checked once per process, on MT19937 generators of
 * its own, that it draws what the bitgen_t function pointers draw and leaves
 * the same key and position (and the glue takes the exact MT19937 type only:
 * a subclass could keep its state elsewhere); a position out of range (one
 * NumPy never leaves) makes the stream forward every draw to bitgen_t's
 * next_double.
 *
 * The twist and the tempering are the published Mersenne Twister algorithm
 * (Matsumoto and Nishimura, 1998), in mcmc_block.h at every SIMD level; a
 * double is NumPy's: 27 + 26 bits of two consecutive words,
 * (a * 2**26 + b) / 2**53.  After each twist the stream makes, in one
 * vectorised pass, the doubles a position can still draw from that key
 * (pair[]): a draw is then one load.
 */
#ifndef POLYFAST_MT19937_STREAM_H
#define POLYFAST_MT19937_STREAM_H

#include <stdint.h>

#include <numpy/random/bitgen.h>

#include "mcmc/mcmc_levels.h"

/* Mirror of NumPy's mt19937_state. */
typedef struct {
    uint32_t key[PF_MT_N];
    int pos;
} pf_mt19937_layout;

/* Deliberate faults, for the tests of the check below only: a stream that
 * draws a wrong double after each twist, or writes a wrong position back. */
enum { PF_MT_FAULT_NONE = 0, PF_MT_FAULT_DOUBLE = 1, PF_MT_FAULT_POSITION = 2 };

typedef struct {
    pf_mt19937_layout *state; /* NULL: forward to bitgen (fallback) */
    bitgen_t *bitgen;
    pf_mt_twist_fn twist; /* at the selected SIMD level */
    pf_mt_pairs_fn pairs;
    int pos; /* the next word; PF_MT_N: twist (or forward) first */
    int twists; /* keys twisted so far */
    int fault;  /* PF_MT_FAULT_* */
    /* pair[i / 2]: the double of words i and i + 1 of the current key, for
     * i < PF_MT_N - 1 from the position the key was taken at, of its parity
     * (a position moves by 2 until the key is twisted) */
    double pair[PF_MT_N / 2];
} pf_mt_stream;

/* Starts a stream on `bitgen`: direct if `direct` and the position it holds
 * is one NumPy itself could have left, else forwarding. */
void pf_mt_stream_open(pf_mt_stream *m, bitgen_t *bitgen, int direct);
/* The same on `state` (direct: a state of the layout above) for `bitgen`. */
void pf_mt_stream_open_on(pf_mt_stream *m, bitgen_t *bitgen, pf_mt19937_layout *state);
/* Writes the position back to the generator (before any other code may
 * draw from it). */
void pf_mt_stream_sync(pf_mt_stream *m, int pos);
/* Takes the generator's key and position again (after other code may have
 * drawn from it); returns the position. */
int pf_mt_stream_reload(pf_mt_stream *m);
/* The double at m->pos when it is not in pair[]: across a twist, or
 * forwarded; advances m->pos. */
double pf_mt_stream_next_double_slow(pf_mt_stream *m);

/* NumPy's next_double; *pos is the caller's copy of the position (a local
 * the compiler can keep in a register), written back by pf_mt_stream_sync. */
static inline double pf_mt_next_double(pf_mt_stream *m, int *pos)
{
    if (*pos < PF_MT_N - 1) {
        const double x = m->pair[*pos >> 1];
        *pos += 2;
        return x;
    }
    /* through m->pos: the caller's copy's address never escapes, so it
     * stays in a register (not a store and a load per draw) */
    m->pos = *pos;
    const double x = pf_mt_stream_next_double_slow(m);
    *pos = m->pos;
    return x;
}

/*
 * The stream checked against NumPy on a generator's real draws, before it is
 * trusted (sampler_streams_glue.c does this once per process): the chain draws
 * through bitgen_t's next_double, which advances the generator, and the
 * stream runs beside it on a private copy of the state read through the
 * layout above.  Every double must be the same and, wherever the chain
 * hands the generator over, the copy (with the position the stream writes
 * back) must equal the generator's state byte for byte.  The chain only
 * ever gets bitgen_t's doubles, so a stream that is wrong, for a layout
 * NumPy changed or a bug, is caught without a wrong draw being used.
 */
typedef struct {
    pf_mt_stream stream; /* on `copy` */
    pf_mt19937_layout copy;
    pf_mt19937_layout *live; /* the generator's state */
    bitgen_t *bitgen;
    int mismatch; /* a difference was seen: the stream runs no further */
} pf_mt_check;

/* Starts a check on `bitgen` (an MT19937's); `fault`: PF_MT_FAULT_*. */
void pf_mt_check_open(pf_mt_check *c, bitgen_t *bitgen, int fault);
/* Where the chain hands the generator over: the stream's position written
 * back to the copy, and the copy compared with the generator's state. */
void pf_mt_check_sync(pf_mt_check *c);
/* After other code may have drawn: the copy taken from the generator again. */
void pf_mt_check_reload(pf_mt_check *c);

/* bitgen_t's next_double, and the stream's compared with it; *pos is the
 * caller's copy of the stream's position, as in pf_mt_next_double. */
static inline double pf_mt_check_next_double(pf_mt_check *c, int *pos)
{
    const double truth = c->bitgen->next_double(c->bitgen->state);
    if (!c->mismatch) {
        const double mine = pf_mt_next_double(&c->stream, pos);
        c->mismatch = truth != mine;
    }
    return truth;
}

#endif
