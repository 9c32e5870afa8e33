/* The sampler glue's attribute and method names, interned once; see
 * sampler_glue.h. */
#include "mcmc/sampler_glue.h"

#include <stdatomic.h>

/* Published once, then only read: a thread that loses the race to make
 * them releases its own set.  Never freed (as the interned strings
 * themselves live as long as the interpreter). */
static atomic_uintptr_t published;

static void release(pf_sampler_names *n)
{
    PyObject **fields[] = {&n->bit_generator, &n->_bit_generator, &n->capsule, &n->lock,
                           &n->acquire, &n->release, &n->get_state, &n->set_state, &n->state};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        Py_CLEAR(*fields[i]);
    PyMem_RawFree(n);
}

const pf_sampler_names *pf_sampler_names_get(void)
{
    const uintptr_t seen = atomic_load(&published);
    if (seen != 0)
        return (const pf_sampler_names *)seen;
    pf_sampler_names *n = PyMem_RawCalloc(1, sizeof *n);
    if (n == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    struct {
        PyObject **field;
        const char *text;
    } table[] = {
        {&n->bit_generator, "bit_generator"}, {&n->_bit_generator, "_bit_generator"},
        {&n->capsule, "capsule"},             {&n->lock, "lock"},
        {&n->acquire, "acquire"},             {&n->release, "release"},
        {&n->get_state, "get_state"},         {&n->set_state, "set_state"},
        {&n->state, "state"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        *table[i].field = PyUnicode_InternFromString(table[i].text);
        if (*table[i].field == NULL) {
            release(n);
            return NULL;
        }
    }
    uintptr_t expected = 0;
    if (!atomic_compare_exchange_strong(&published, &expected, (uintptr_t)n)) {
        release(n);
        return (const pf_sampler_names *)expected;
    }
    return n;
}
