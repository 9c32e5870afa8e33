/*
 * What the files of polyfast.sampler's Python side share:
 *
 *   sampler_glue.c         the call: arguments, the chain, the cleanup;
 *   sampler_streams_glue.c how the draws are made (the rng adapters: direct
 *                          MT19937 and PCG64 streams, their checks, or the
 *                          function pointers);
 *   sampler_handover_glue.c the chain's Python call-outs (tie-breaker, signal
 *                          poll) and the generator lent and taken back
 *                          around them;
 *   sampler_gauss_glue.c   a RandomState's cached Gaussian read and written;
 *   sampler_names_glue.c   the attribute and method names, interned once.
 *
 * The design (locks, the cached Gaussian, free-threaded CPython) is
 * described at the top of sampler_glue.c.
 */
#ifndef POLYFAST_SAMPLER_GLUE_H
#define POLYFAST_SAMPLER_GLUE_H

#include "module/numpy_api.h"

#include "mcmc/legacy_gauss.h"
#include "mcmc/metropolis.h"
#include "mcmc/pcg64_stream.h"

/* Holding an exception aside while cleanup code calls into Python. */
#if PY_VERSION_HEX >= 0x030C0000
typedef struct { PyObject *exc; } pf_saved_error;
static inline pf_saved_error pf_save_error(void) { return (pf_saved_error){PyErr_GetRaisedException()}; }
static inline int pf_has_saved(const pf_saved_error *e) { return e->exc != NULL; }
static inline void pf_restore_error(pf_saved_error e) { PyErr_SetRaisedException(e.exc); }
#else
typedef struct { PyObject *type, *value, *tb; } pf_saved_error;
static inline pf_saved_error pf_save_error(void)
{
    pf_saved_error e;
    PyErr_Fetch(&e.type, &e.value, &e.tb);
    return e;
}
static inline int pf_has_saved(const pf_saved_error *e) { return e->type != NULL; }
static inline void pf_restore_error(pf_saved_error e) { PyErr_Restore(e.type, e.value, e.tb); }
#endif

/* After a failed cleanup step: keep the earlier error if there is one. */
static inline void pf_keep_first_error(pf_saved_error *first)
{
    if (pf_has_saved(first))
        PyErr_Clear();
    else
        *first = pf_save_error();
}

/* The names the glue looks up, interned (so that a lookup hits the type's
 * attribute cache; a string made for the call never does). */
typedef struct {
    PyObject *bit_generator, *_bit_generator, *capsule, *lock, *acquire, *release,
        *get_state, *set_state, *state;
} pf_sampler_names;

/* Made once per process and kept; NULL with an exception set on failure. */
const pf_sampler_names *pf_sampler_names_get(void);

/* The draws of one call and the streams behind them. */
typedef struct {
    pf_mh_draws draws;
    pf_mh_fill_fn fill; /* Generator: the block filler; NULL: pf_metropolis picks */
    pf_legacy_gauss_state gauss; /* RandomState */
    pf_mt_stream mt;
    pf_mt_check check;
    pf_pcg64_stream pcg; /* Generator on PCG64 */
    int pcg_checking;
} pf_sampler_streams;

/* Draws of a RandomState whose cached Gaussian is (has_gauss, gauss), or of
 * a Generator: `direct` is _sampler's direct_mt (0 to 4). */
void pf_streams_open_legacy(pf_sampler_streams *s, PyObject *bitgen_obj, bitgen_t *bitgen,
                            int direct, int has_gauss, double gauss);
void pf_streams_open_generator(pf_sampler_streams *s, PyObject *bitgen_obj, bitgen_t *bitgen,
                               int direct);
/* After the chain: a stream's check counted towards this process's
 * verdict (`whole`: this call still holds the lock, so the check's last
 * comparison was made; a mismatch counts anyway). */
void pf_streams_report(const pf_sampler_streams *s, int whole);

/* One call's state for the chain's Python call-outs. */
typedef struct {
    const pf_sampler_names *names;
    PyObject *tie;
    PyThreadState *save; /* the released thread state while the chain runs */
    /* A RandomState's cached Gaussian: the chain's copy (NULL for a
     * Generator), and what the RandomState object holds now. */
    pf_legacy_gauss_state *gauss;
    int object_has_gauss;
    double object_gauss;
    PyObject *rng, *bitgen_obj, *proxy;
    pf_aug_bitgen_layout *field; /* the RandomState's cached Gaussian, or NULL */
    PyObject *lock; /* the bit generator's */
    int *locked;    /* whether this call holds it */
} pf_glue_ctx;

/* The RandomState's cached Gaussian (sampler_gauss_glue.c); 0 or -1. */
int pf_read_cached_gauss(const pf_glue_ctx *ctx, int *has_gauss, double *gauss);
int pf_write_cached_gauss(const pf_glue_ctx *ctx, int has_gauss, double gauss);

/* The chain's Python call-outs (sampler_handover_glue.c), and the cached
 * Gaussian and stream position handed to the objects (0 or -1). */
int pf_glue_tie_break(void *ctx, double mu_current, double mu_proposal, double u);
int pf_glue_poll_signals(void *ctx);
int pf_glue_lend_gauss(pf_glue_ctx *ctx);

#endif
