/*
 * How a call's draws are made (the rng adapters), and this process's checks
 * of the direct streams.
 *
 * RandomState: NumPy's legacy Gaussian and doubles; with NumPy's MT19937
 * itself as the bit generator, `direct` lets the chain read the MT19937
 * state directly (mt19937_stream.h): 1, trusted (the tests compare it with
 * the function pointers); 2, once this process has checked the stream
 * against the function pointers on real draws: until then a call draws
 * through bitgen_t and checks the stream beside it (pf_mt_check), and any
 * difference turns the direct stream off for the process, so a wrong stream
 * never makes a wrong chain; 3 and 4 (tests only), as 2 with a deliberately
 * broken stream (PF_MT_FAULT_*), checked even if the check has passed
 * before.
 *
 * Generator: NumPy's random_standard_normal and next_double; with NumPy's
 * PCG64 as the bit generator, `direct` does the same for the PCG64 stream
 * (pcg64_stream.h), with its own check and verdict (PF_PCG64_FAULT_* for 3
 * and 4).  Any other bit generator (PCG64DXSM, Philox, SFC64, MT19937, a
 * subclass) draws through the function pointers.
 */
#include "mcmc/sampler_glue.h"

#include <numpy/random/distributions.h>

#include <stdatomic.h>
#include <string.h>

/* NumPy's bit generators whose state the streams read (the exact types: a
 * subclass could keep its state elsewhere). */
#define MT19937_TYPE_NAME "numpy.random._mt19937.MT19937"
#define PCG64_TYPE_NAME "numpy.random._pcg64.PCG64"

/* The direct MT19937 stream is trusted once the check has seen this many
 * twists of the key (each one 312 doubles, the whole key's words) with
 * every double and every handed-over state the function pointers'. */
#define MT_TWISTS_TO_TRUST 2

/* The PCG64 stream, once it has drawn this many steps (a normal and a
 * double each; some 30 of them through the ziggurat's slow path) and left
 * the state the function pointers left after every block. */
#define PCG64_STEPS_TO_TRUST 2048

/* This process's checks: 0 under way, 1 passed, -1 failed (for good); and
 * what they have seen pass. */
static atomic_int mt_verdict, mt_twists;
static atomic_int pcg_verdict;
static atomic_long pcg_steps;

static void report_mt(const pf_mt_check *check)
{
    if (check->mismatch) {
        atomic_store(&mt_verdict, -1);
        return;
    }
    const int seen = atomic_fetch_add(&mt_twists, check->stream.twists) + check->stream.twists;
    int under_way = 0;
    if (seen >= MT_TWISTS_TO_TRUST)
        atomic_compare_exchange_strong(&mt_verdict, &under_way, 1);
}

static void report_pcg(const pf_pcg64_stream *s)
{
    if (s->mismatch) {
        atomic_store(&pcg_verdict, -1);
        return;
    }
    const long seen = atomic_fetch_add(&pcg_steps, (long)s->steps_checked) +
                      (long)s->steps_checked;
    int under_way = 0;
    if (seen >= PCG64_STEPS_TO_TRUST)
        atomic_compare_exchange_strong(&pcg_verdict, &under_way, 1);
}

void pf_streams_open_legacy(pf_sampler_streams *s, PyObject *bitgen_obj, bitgen_t *bitgen,
                            int direct, int has_gauss, double gauss)
{
    s->fill = NULL;
    s->pcg_checking = 0;
    s->gauss = (pf_legacy_gauss_state){bitgen, has_gauss, gauss, NULL, NULL};
    s->draws = (pf_mh_draws){pf_legacy_gauss, pf_legacy_uniform, &s->gauss};
    if (!direct || strcmp(Py_TYPE(bitgen_obj)->tp_name, MT19937_TYPE_NAME) != 0)
        return;
    const int fault = direct >= 2 ? direct - 2 : PF_MT_FAULT_NONE;
    const int verdict = atomic_load(&mt_verdict);
    if (direct == 1 || (fault == PF_MT_FAULT_NONE && verdict == 1)) {
        pf_mt_stream_open(&s->mt, bitgen, 1);
        s->gauss.mt = &s->mt;
        s->draws = (pf_mh_draws){pf_legacy_gauss_mt, pf_legacy_uniform_mt, &s->gauss};
    } else if (fault != PF_MT_FAULT_NONE || verdict == 0) {
        pf_mt_check_open(&s->check, bitgen, fault);
        s->gauss.check = &s->check;
        s->draws = (pf_mh_draws){pf_legacy_gauss_check, pf_legacy_uniform_check, &s->gauss};
    }
}

/* Generator.normal(loc, scale) is random_normal = loc + scale *
 * random_standard_normal; the kernel does the loc + scale * z. */
static double generator_normal(void *bitgen)
{
    return random_standard_normal((bitgen_t *)bitgen);
}

static double generator_uniform(void *bitgen)
{
    return random_standard_uniform((bitgen_t *)bitgen);
}

/* A block of Generator draws: NumPy's own functions called directly, not
 * through the two pointers above (one indirect call per draw fewer). */
static void generator_fill(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u)
{
    bitgen_t *bitgen = draws->state;
    for (intptr_t j = 0; j < m; j++) {
        d[j] = w * random_standard_normal(bitgen); /* NumPy's scale * z */
        u[j] = bitgen->next_double(bitgen->state); /* random_standard_uniform */
    }
}

void pf_streams_open_generator(pf_sampler_streams *s, PyObject *bitgen_obj, bitgen_t *bitgen,
                               int direct)
{
    s->gauss = (pf_legacy_gauss_state){NULL, 0, 0.0, NULL, NULL};
    s->pcg_checking = 0;
    s->draws = (pf_mh_draws){generator_normal, generator_uniform, bitgen};
    s->fill = generator_fill;
    if (!direct || strcmp(Py_TYPE(bitgen_obj)->tp_name, PCG64_TYPE_NAME) != 0)
        return;
    const int fault = direct >= 2 ? direct - 2 : PF_PCG64_FAULT_NONE;
    const int verdict = atomic_load(&pcg_verdict);
    const int trusted = direct == 1 || (fault == PF_PCG64_FAULT_NONE && verdict == 1);
    if (!trusted && verdict != 0 && fault == PF_PCG64_FAULT_NONE)
        return; /* failed: the function pointers for good */
    if (pf_pcg64_stream_open(&s->pcg, bitgen, random_standard_normal, fault) < 0)
        return;
    s->draws = (pf_mh_draws){generator_normal, generator_uniform, &s->pcg};
    s->fill = trusted ? pf_pcg64_fill_direct : pf_pcg64_fill_check;
    s->pcg_checking = !trusted;
}

void pf_streams_report(const pf_sampler_streams *s, int whole)
{
    /* the MT check's last comparison is the one pf_glue_lend_gauss made */
    if (s->gauss.check != NULL && (whole || s->check.mismatch))
        report_mt(&s->check);
    /* the PCG64 check compares after each block: whatever ran is counted */
    if (s->pcg_checking)
        report_pcg(&s->pcg);
}

/* polyfast._core._sampler_checks() */
PyObject *pf_sampler_checks(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    const int verdict = atomic_load(&mt_verdict);
    return Py_BuildValue("{s:s,s:i}", "direct_mt",
                         verdict > 0 ? "trusted" : verdict < 0 ? "failed" : "checking",
                         "twists_checked", atomic_load(&mt_twists));
}

/* polyfast._core._generator_checks() */
PyObject *pf_generator_checks(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    const int verdict = atomic_load(&pcg_verdict);
    return Py_BuildValue("{s:s,s:l,s:O}", "direct_pcg64",
                         !PF_PCG64_DIRECT ? "unavailable"
                         : verdict > 0    ? "trusted"
                         : verdict < 0    ? "failed"
                                          : "checking",
                         "steps_checked", atomic_load(&pcg_steps), "tables",
                         pf_zig_tables_ready() ? Py_True : Py_False);
}
