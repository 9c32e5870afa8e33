/*
 * A RandomState's cached Gaussian (has_gauss, gauss) read and written in
 * place, in the object's private field, without get_state()/set_state(),
 * which copy the whole 624-word MT19937 key through Python (~50 us each).
 *
 * RandomState (numpy/random/mtrand.pyx) holds a copy of its bit generator's
 * bitgen_t (`_bitgen`) and an `aug_bitgen_t _aug_state` = {&_bitgen,
 * has_gauss, gauss} (numpy/random/src/legacy/legacy-distributions.h), the
 * state NumPy's legacy Gaussian reads and writes.  That layout is private to
 * NumPy, so the field is found, not assumed: within the object, the one copy
 * of the bit generator's bitgen_t, and the one pointer to that copy.
 * polyfast/_mcmc.py checks once per process, on a RandomState of its own,
 * that the field found this way is what set_state() writes and get_state()
 * reads, before the sampler uses it.
 */
#ifndef POLYFAST_LEGACY_GAUSS_H
#define POLYFAST_LEGACY_GAUSS_H

#include <Python.h>

#include <numpy/random/bitgen.h>

/* Mirror of NumPy's aug_bitgen_t. */
typedef struct {
    bitgen_t *bit_generator;
    int has_gauss;
    double gauss;
} pf_aug_bitgen_layout;

/* The cached Gaussian's field in `rs`, whose bit generator's bitgen_t is
 * `bitgen`; NULL (no exception) if it is not found exactly once. */
pf_aug_bitgen_layout *pf_find_legacy_gauss(PyObject *rs, const bitgen_t *bitgen);

#endif
