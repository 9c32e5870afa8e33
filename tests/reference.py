"""Slow, obviously-correct references for polyfast's polynomial ufuncs.

The first four functions restate the polynomial variants of the lecture
notebook (``seeds/000_0dc4c55f46d0b9bd.txt``) with plain Python and NumPy, so
the tests compare polyfast against the same arithmetic the notebook checked
its own versions with.  The ``exact_*`` helpers evaluate the polynomial in
rational arithmetic (``fractions.Fraction``) and round once at the end: the
yardstick for inputs where every floating-point formula, the notebook's
included, loses accuracy.

Nothing here imports polyfast.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

DEGREE = 8


# --------------------------------------------------------------------------
# The notebook's four NumPy/Python formulations of x + x**2 + ... + x**8
# --------------------------------------------------------------------------

def f_simple(xarr):
    """Element by element in a Python loop, summing the eight powers."""
    yarr = np.empty_like(xarr)
    for i in range(len(xarr)):
        v = xarr[i]
        yarr[i] = v + v**2 + v**3 + v**4 + v**5 + v**6 + v**7 + v**8
    return yarr


def f_numpy(x):
    """Whole-array sum of the eight powers (allocates a temporary per term)."""
    return x + x**2 + x**3 + x**4 + x**5 + x**6 + x**7 + x**8


def f_nest_numpy(x):
    """The same polynomial in nested (Horner) form, whole-array."""
    return x * (1 + x * (1 + x * (1 + x * (1 + x * (1 + x * (1 + x * (1 + x)))))))


def f_mem_numpy(x):
    """Horner's form again, but updating one buffer in place seven times."""
    y = x.copy()
    for _ in range(DEGREE - 1):
        y += 1
        y *= x
    return y


def poly8_factored(x):
    """polyfast's documented formula, x*((1+x)*((1+x**2)*(1+x**4))), in NumPy.

    Not from the notebook: the exact sequence of roundings src/poly/poly.h
    promises (products in this grouping, x**4 as (x*x)*(x*x)), so for real
    inputs polyfast.poly8 must reproduce it bit for bit.
    """
    x2 = x * x
    return x * ((1 + x) * ((1 + x2) * (1 + x2 * x2)))


NOTEBOOK_VARIANTS = {
    "f_numpy": f_numpy,
    "f_nest_numpy": f_nest_numpy,
    "f_mem_numpy": f_mem_numpy,
}


# --------------------------------------------------------------------------
# Exact values
# --------------------------------------------------------------------------

def exact_poly8(x) -> Fraction:
    """x + x**2 + ... + x**8 for a finite float ``x``, with no rounding at all."""
    q = Fraction(float(x))
    total = Fraction(0)
    power = Fraction(1)
    for _ in range(DEGREE):
        power *= q
        total += power
    return total


def exact_poly8_float(x) -> float:
    """`exact_poly8` rounded once to float64 (``+inf`` where it overflows).

    ``float(Fraction)`` rounds correctly; it raises ``OverflowError`` past the
    largest double, and the polynomial is positive there (``x**8`` dominates),
    so that case is ``+inf``.
    """
    if math.isnan(x):
        return math.nan
    if math.isinf(x):
        return math.inf
    try:
        return float(exact_poly8(x))
    except OverflowError:
        return math.inf


def exact_polyval(x, coefs) -> Fraction:
    """c[0] + c[1]*x + ... for finite float ``x`` and coefficients, exactly."""
    q = Fraction(float(x))
    total = Fraction(0)
    power = Fraction(1)
    for c in coefs:
        total += Fraction(float(c)) * power
        power *= q
    return total


def relative_error(approx, exact) -> float:
    """|approx - exact| / |exact| measured in exact arithmetic (0 if both are 0)."""
    exact = Fraction(exact)
    diff = abs(Fraction(float(approx)) - exact)
    if exact == 0:
        return 0.0 if diff == 0 else math.inf
    return float(diff / abs(exact))
