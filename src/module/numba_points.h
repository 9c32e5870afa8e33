/*
 * Scalar entries numba calls on one item (polyfast/_numba.py): values in,
 * the value out, no pointer tables, no floating-point flag bookkeeping
 * (numba-compiled code never reads the flags, and NumPy clears them before
 * each ufunc call of its own).  A spec asks for them with one line,
 * ``numba_point=True``: each loop then has ``pf_<name>_<type>_point`` (the
 * kernel name's base, runtime/kernel_api.h), taking each input by value (a
 * complex one as its real and imaginary parts) and returning the output.
 * src/codegen/generate.py lists them in pf_numba_points, with the C
 * signature that names their capsules (src/module/numba_glue.c) and that the
 * numba hook checks against the ufunc's loop types before binding them.
 */
#ifndef POLYFAST_NUMBA_POINTS_H
#define POLYFAST_NUMBA_POINTS_H

typedef struct {
    const char *ufunc;     /* NULL ends the table */
    int loop;              /* index of the loop in the ufunc's types */
    void (*function)(void); /* the entry, cast to a generic function pointer */
    const char *signature; /* its C signature, e.g. "int64_t (double, double, int64_t)" */
} pf_numba_point;

extern const pf_numba_point pf_numba_points[];

#endif
