/* Every ufunc polyfast exports, in the order they are added to the module.
 * Adding a ufunc: write its row in a spec_<family>.c and list it here. */
#include "ufunc/ufunc_spec.h"

extern const pf_ufunc_spec pf_spec_poly8;
extern const pf_ufunc_spec pf_spec_polyval;
extern const pf_ufunc_spec pf_spec_find_bumps;
extern const pf_ufunc_spec pf_spec_mandelbrot;
extern const pf_ufunc_spec pf_spec_norm_pdf;

const pf_ufunc_spec *const pf_ufunc_specs[] = {
    &pf_spec_poly8,
    &pf_spec_polyval,
    &pf_spec_find_bumps,
    &pf_spec_mandelbrot,
    &pf_spec_norm_pdf,
    NULL,
};
