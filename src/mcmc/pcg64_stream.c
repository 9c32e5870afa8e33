/* NumPy's PCG64 draws read directly; see pcg64_stream.h. */
#include "mcmc/pcg64_stream.h"

#include <stdatomic.h>
#include <string.h>

/* ------------------------------------------------ the ziggurat's tables */

/* A bit generator that hands out chosen outputs: `first` for the first
 * 64-bit draw, then 0 (layer 0, magnitude 0: x = 0, under the density
 * wherever it lands, so a rejection loop ends), and 0.5 for every double
 * (ends the tail's loop). */
typedef struct {
    uint64_t first;
    int draws;
} zig_probe;

static uint64_t probe_next64(void *st)
{
    zig_probe *p = st;
    return p->draws++ == 0 ? p->first : 0;
}

static uint32_t probe_next32(void *st)
{
    return (uint32_t)probe_next64(st);
}

static double probe_next_double(void *st)
{
    ((zig_probe *)st)->draws++;
    return 0.5;
}

/* NumPy's normal of the output made of (rabs, sign 0, layer); *at_once: the
 * first output was accepted (no further draw). */
static double probe(pf_normal_fn normal, uint64_t rabs, int layer, int *at_once)
{
    zig_probe p = {(rabs << 9) | (uint64_t)layer, 0};
    bitgen_t bg = {&p, probe_next64, probe_next32, probe_next_double, probe_next64};
    const double x = normal(&bg);
    *at_once = p.draws == 1;
    return x;
}

static pf_zig_tables zig_tables;
/* 0 not probed, 1 being probed, 2 ready, -1 failed */
static atomic_int zig_status;

#define RABS_END ((uint64_t)1 << 52)

static int at_once(pf_normal_fn normal, uint64_t rabs, int layer)
{
    int once;
    probe(normal, rabs, layer, &once);
    return once;
}

/* The first magnitude not accepted at once in `layer` (RABS_END: none),
 * magnitude 0 being accepted: a bracket grown from `guess` both ways, then
 * bisection; accepted magnitudes are those below it. */
static uint64_t first_rejected(pf_normal_fn normal, int layer, uint64_t guess)
{
    uint64_t lo, hi, step = 1;
    if (guess < 1)
        guess = 1;
    if (guess >= RABS_END || !at_once(normal, guess, layer)) {
        hi = guess < RABS_END ? guess : RABS_END;
        for (;;) {
            const uint64_t below = hi > step ? hi - step : 0;
            if (below == 0 || at_once(normal, below, layer)) {
                lo = below;
                break;
            }
            hi = below;
            step *= 2;
        }
    } else {
        lo = guess;
        for (;;) {
            const uint64_t above = RABS_END - lo > step ? lo + step : RABS_END;
            if (above == RABS_END || !at_once(normal, above, layer)) {
                hi = above;
                break;
            }
            lo = above;
            step *= 2;
        }
    }
    while (hi - lo > 1) {
        const uint64_t mid = lo + (hi - lo) / 2;
        if (at_once(normal, mid, layer))
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

static int probe_tables(pf_normal_fn normal, pf_zig_tables *t)
{
    for (int layer = 0; layer < 256; layer++) {
        int once;
        t->ki[layer] = 0;
        t->wi[layer] = 0.0;
        if (!at_once(normal, 0, layer))
            continue; /* no magnitude accepted at once (NumPy's layer 1) */
        t->wi[layer] = probe(normal, 1, layer, &once); /* x of magnitude 1, exactly */
        if (!once) {
            t->wi[layer] = 0.0; /* only x = 0 * wi, whatever wi */
            t->ki[layer] = 1;
            continue;
        }
        if (!(t->wi[layer] > 0))
            return -1;
        /* a ziggurat accepts at once below the next layer's width: a guess
         * (any guess gives the same answer, a good one in a few probes) */
        const double ratio = layer > 0 && t->wi[layer - 1] > 0 ? t->wi[layer - 1] / t->wi[layer]
                                                               : 0.5;
        const double guess = ratio > 0 && ratio < 1 ? ratio * (double)RABS_END : 0.5 * (double)RABS_END;
        t->ki[layer] = first_rejected(normal, layer, (uint64_t)guess);
        /* the accepted value is rabs * wi, as the fast path computes it */
        const uint64_t last = t->ki[layer] - 1;
        if (probe(normal, last, layer, &once) != (double)last * t->wi[layer] || !once)
            return -1;
    }
    return 0;
}

const pf_zig_tables *pf_zig_tables_get(pf_normal_fn normal)
{
    int status = atomic_load(&zig_status);
    if (status == 2)
        return &zig_tables;
    if (status != 0)
        return NULL;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&zig_status, &expected, 1))
        return expected == 2 ? &zig_tables : NULL;
    /* the only writer: the tables are read only after status 2 is seen */
    const int ok = probe_tables(normal, &zig_tables) == 0;
    atomic_store(&zig_status, ok ? 2 : -1);
    return ok ? &zig_tables : NULL;
}

int pf_zig_tables_ready(void)
{
    return atomic_load(&zig_status) == 2;
}

#if PF_PCG64_DIRECT

/* ----------------------------------------------------------- the stream */

#define PCG_MULT (((pf_u128)0x2360ED051FC65DA4ULL << 64) | 0x4385DF649FCCF645ULL)

static inline uint64_t pcg_next64(pf_u128 *state, pf_u128 inc)
{
    const pf_u128 s = *state * PCG_MULT + inc;
    *state = s;
    const uint64_t x = (uint64_t)(s >> 64) ^ (uint64_t)s;
    const unsigned rot = (unsigned)(s >> 122);
    return (x >> rot) | (x << ((64 - rot) & 63));
}

/* (int64_t: below 2**53 the conversion is exact either way, and the signed
 * one is a single instruction on x86-64) */
static inline double to_double(uint64_t r)
{
    return (double)(int64_t)(r >> 11) * (1.0 / 9007199254740992.0);
}

static inline double pcg_next_double(pf_u128 *state, pf_u128 inc)
{
    return to_double(pcg_next64(state, inc));
}

/* NumPy's normal after a first output `r` the fast path did not accept:
 * `r` replayed to NumPy's function, the stream's outputs after it. */
typedef struct {
    pf_u128 *state;
    pf_u128 inc;
    uint64_t first;
    int replayed;
} replay;

static uint64_t replay_next64(void *st)
{
    replay *p = st;
    if (!p->replayed) {
        p->replayed = 1;
        return p->first;
    }
    return pcg_next64(p->state, p->inc);
}

static uint32_t replay_next32(void *st)
{
    /* the normal never draws 32 bits; were it to, this is not NumPy's
     * buffered half, and the check would see the difference */
    return (uint32_t)(replay_next64(st) >> 32);
}

static double replay_next_double(void *st)
{
    return to_double(replay_next64(st));
}

static double normal_slow(const pf_pcg64_stream *s, pf_u128 *state, pf_u128 inc, uint64_t r)
{
    replay p = {state, inc, r, 0};
    bitgen_t bg = {&p, replay_next64, replay_next32, replay_next_double, replay_next64};
    return s->normal(&bg);
}

static inline double pcg_normal(const pf_pcg64_stream *s, const pf_zig_tables *zig,
                                pf_u128 *state, pf_u128 inc)
{
    const uint64_t r = pcg_next64(state, inc);
    const int layer = (int)(r & 0xff);
    const uint64_t rabs = (r >> 9) & 0x000fffffffffffffULL;
    if (rabs < zig->ki[layer]) {
        /* NumPy's x = rabs * wi, negated if the sign bit is set: the sign
         * bit of the (positive) product flipped */
        uint64_t bits;
        const double x = (double)(int64_t)rabs * zig->wi[layer];
        memcpy(&bits, &x, sizeof bits);
        bits ^= ((r >> 8) & 1) << 63;
        double signed_x;
        memcpy(&signed_x, &bits, sizeof bits);
        return signed_x;
    }
    return normal_slow(s, state, inc, r);
}

int pf_pcg64_stream_open(pf_pcg64_stream *s, bitgen_t *bitgen, pf_normal_fn normal, int fault)
{
    const pf_zig_tables *zig = pf_zig_tables_get(normal);
    if (zig == NULL || bitgen->state == NULL ||
        ((pf_pcg64_layout *)bitgen->state)->pcg_state == NULL)
        return -1;
    *s = (pf_pcg64_stream){bitgen, normal, zig, fault, 0, 0};
    return 0;
}

void pf_pcg64_fill_direct(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u)
{
    const pf_pcg64_stream *s = draws->state;
    const pf_zig_tables *zig = s->zig;
    pf_pcg64_random_layout *live = ((pf_pcg64_layout *)s->bitgen->state)->pcg_state;
    pf_u128 state = live->state;
    const pf_u128 inc = live->inc;
    for (intptr_t j = 0; j < m; j++) {
        d[j] = w * pcg_normal(s, zig, &state, inc); /* NumPy's scale * z */
        u[j] = pcg_next_double(&state, inc);
    }
    live->state = state;
}

static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

void pf_pcg64_fill_check(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u)
{
    pf_pcg64_stream *s = draws->state;
    bitgen_t *bg = s->bitgen;
    pf_pcg64_random_layout *live = ((pf_pcg64_layout *)bg->state)->pcg_state;
    pf_u128 state = live->state;
    const pf_u128 inc = live->inc;
    for (intptr_t j = 0; j < m; j++) {
        const double z = s->normal(bg);
        const double x = bg->next_double(bg->state); /* random_standard_uniform */
        d[j] = w * z;
        u[j] = x;
        if (s->mismatch)
            continue;
        const double z_mine = pcg_normal(s, s->zig, &state, inc);
        double x_mine = pcg_next_double(&state, inc);
        /* (a uniform of 0: a step accepted whatever its ratio, so that a
         * chain given this draw differs wherever NumPy's draw rejects) */
        if (s->fault == PF_PCG64_FAULT_DOUBLE && s->steps_checked + j == 700)
            x_mine = x_mine == 0.0 ? 0.5 : 0.0;
        s->mismatch = !same_double(z, z_mine) || !same_double(x, x_mine);
    }
    if (s->fault == PF_PCG64_FAULT_STATE)
        state += 1;
    if (!s->mismatch)
        s->mismatch = memcmp(&state, &live->state, sizeof state) != 0;
    if (!s->mismatch)
        s->steps_checked += m;
}

#else /* no native 128-bit integer: always the function pointers */

int pf_pcg64_stream_open(pf_pcg64_stream *s, bitgen_t *bitgen, pf_normal_fn normal, int fault)
{
    (void)s, (void)bitgen, (void)normal, (void)fault;
    return -1;
}

void pf_pcg64_fill_direct(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u)
{
    (void)draws, (void)m, (void)w, (void)d, (void)u;
}

void pf_pcg64_fill_check(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u)
{
    (void)draws, (void)m, (void)w, (void)d, (void)u;
}

#endif
