/*
 * A Generator's draws from NumPy's PCG64 read straight from the bit
 * generator's state, without a call through bitgen_t per draw: the
 * sampler's Generator path.
 *
 * PCG64 is the published PCG XSL-RR 128/64 generator (O'Neill, 2014): a
 * 128-bit LCG stepped before each output, the output the xor of the state's
 * halves rotated by its top 6 bits.  A double is NumPy's next_double, the
 * top 53 bits of a 64-bit output over 2**53; a standard normal is NumPy's
 * ziggurat (random_standard_normal): the low 8 bits of an output pick a
 * layer, the next the sign, the next 52 the magnitude `rabs`, accepted at
 * once (99% of draws) when rabs < ki[layer], then x = rabs * wi[layer].
 * The two 256-entry tables are NumPy's private data: they are probed from
 * NumPy's own random_standard_normal once per process (feeding it chosen
 * outputs; pf_zig_tables_get), not written here; any other case (a
 * rejection, the tail) replays the output to NumPy's function, with the
 * stream behind it, so it is NumPy's code that decides.
 *
 * The layout of the state (`pcg64_state` of NumPy's numpy/random/src/pcg64/
 * pcg64.h: a pointer to {state, inc} as native 128-bit integers where the
 * compiler has them) is private to NumPy: the glue uses the stream only
 * after checking it on this process's real draws (pf_pcg64_fill_check: the
 * chain gets the function pointers' draws while the stream runs beside them
 * on a copy of the state, every draw and the state after each block
 * compared), and only for the exact PCG64 type.  Without a native 128-bit
 * integer (MSVC) there is no direct stream: PF_PCG64_DIRECT is 0.
 */
#ifndef POLYFAST_PCG64_STREAM_H
#define POLYFAST_PCG64_STREAM_H

#include <stdint.h>

#include <numpy/random/bitgen.h>

#include "mcmc/metropolis.h"

#if defined(__SIZEOF_INT128__)
#define PF_PCG64_DIRECT 1
__extension__ typedef unsigned __int128 pf_u128; /* (GCC and clang: no -Wpedantic note) */

/* Mirror of NumPy's pcg64_random_t and pcg64_state. */
typedef struct {
    pf_u128 state, inc;
} pf_pcg64_random_layout;

typedef struct {
    pf_pcg64_random_layout *pcg_state;
    int has_uint32;
    uint32_t uinteger;
} pf_pcg64_layout;
#else
#define PF_PCG64_DIRECT 0
#endif

/* NumPy's random_standard_normal (the glue passes it: this file needs no
 * Python). */
typedef double (*pf_normal_fn)(bitgen_t *bitgen);

/* The ziggurat's fast-path tables, as NumPy's random_standard_normal uses
 * them: accept at once iff rabs < ki[layer]; then x = rabs * wi[layer]. */
typedef struct {
    uint64_t ki[256];
    double wi[256];
} pf_zig_tables;

/* The tables, probed from `normal` the first time (~0.1 ms); NULL while
 * another thread probes them or if the probe failed (then for good). */
const pf_zig_tables *pf_zig_tables_get(pf_normal_fn normal);
/* Whether they are ready (no probing). */
int pf_zig_tables_ready(void);

/* Deliberate faults, for the tests of the check only: a wrong double, or a
 * wrong state after a block. */
enum { PF_PCG64_FAULT_NONE = 0, PF_PCG64_FAULT_DOUBLE = 1, PF_PCG64_FAULT_STATE = 2 };

typedef struct {
    bitgen_t *bitgen; /* the generator's */
    pf_normal_fn normal;
    const pf_zig_tables *zig;
    int fault;    /* PF_PCG64_FAULT_* (checking only) */
    int mismatch; /* checking: a difference was seen; the stream runs no further */
    intptr_t steps_checked;
} pf_pcg64_stream;

/* Fills `s`; 0, or -1 (no direct stream here, or the tables are not
 * available): then draw through bitgen_t. */
int pf_pcg64_stream_open(pf_pcg64_stream *s, bitgen_t *bitgen, pf_normal_fn normal, int fault);

/* pf_mh_fill_fn's for draws->state = a pf_pcg64_stream: the state read and
 * written directly; or the function pointers' draws with the stream
 * compared beside them (sets mismatch, counts steps_checked). */
void pf_pcg64_fill_direct(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u);
void pf_pcg64_fill_check(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u);

#endif
