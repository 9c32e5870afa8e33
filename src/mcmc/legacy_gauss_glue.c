/* A RandomState's cached Gaussian in place; see legacy_gauss.h. */
#include "module/numpy_api.h"

#include "mcmc/legacy_gauss.h"

#include <stddef.h>
#include <string.h>

/* The offset of the one aligned copy of `what` (size bytes) in the object's
 * first `size_of_object` bytes, or -1. */
static Py_ssize_t find_once(const char *object, Py_ssize_t size_of_object, const void *what,
                            size_t size, size_t align)
{
    Py_ssize_t found = -1;
    for (Py_ssize_t off = 0; off + (Py_ssize_t)size <= size_of_object; off += (Py_ssize_t)align) {
        if (memcmp(object + off, what, size) == 0) {
            if (found >= 0)
                return -1; /* twice: ambiguous */
            found = off;
        }
    }
    return found;
}

pf_aug_bitgen_layout *pf_find_legacy_gauss(PyObject *rs, const bitgen_t *bitgen)
{
    char *object = (char *)rs;
    const Py_ssize_t size = Py_TYPE(rs)->tp_basicsize;
    const Py_ssize_t copy = find_once(object, size, bitgen, sizeof *bitgen, sizeof(void *));
    if (copy < 0)
        return NULL;
    const void *copy_address = object + copy;
    /* the aug_bitgen_t's first member points to the copy */
    const Py_ssize_t aug = find_once(object, size - (Py_ssize_t)sizeof(pf_aug_bitgen_layout) +
                                                 (Py_ssize_t)sizeof(void *),
                                     &copy_address, sizeof copy_address, sizeof(void *));
    if (aug < 0 || aug % (Py_ssize_t)_Alignof(pf_aug_bitgen_layout) != 0)
        return NULL;
    return (pf_aug_bitgen_layout *)(object + aug);
}

/* polyfast._core._legacy_gauss_field(rs, bit_generator[, has_gauss, gauss]) */
PyObject *pf_legacy_gauss_field(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *rs, *bitgen_obj;
    int has_gauss = -1;
    double gauss = 0.0;
    if (!PyArg_ParseTuple(args, "OO|pd:_legacy_gauss_field", &rs, &bitgen_obj, &has_gauss,
                          &gauss))
        return NULL;
    PyObject *capsule = PyObject_GetAttrString(bitgen_obj, "capsule");
    if (capsule == NULL)
        return NULL;
    const bitgen_t *bitgen = PyCapsule_GetPointer(capsule, "BitGenerator");
    if (bitgen == NULL) {
        Py_DECREF(capsule);
        return NULL;
    }
    /* the bit generator object keeps the capsule's bitgen_t alive */
    pf_aug_bitgen_layout *aug = pf_find_legacy_gauss(rs, bitgen);
    Py_DECREF(capsule);
    if (aug == NULL)
        Py_RETURN_NONE;
    if (has_gauss >= 0) {
        aug->has_gauss = has_gauss;
        aug->gauss = gauss;
        Py_RETURN_NONE;
    }
    return Py_BuildValue("(id)", aug->has_gauss, aug->gauss);
}
