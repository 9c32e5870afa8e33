"""A toy family for .ci/fuzz_toy.sh: one elementwise ufunc, y = 2x + 1."""

ufunc(
    "toy_scale",
    loops={"f32->f32": "simd", "f64->f64": "simd"},
    min_parallel=65536,
    grain=4096,
    doc="""
    2x + 1, elementwise (a toy: the fuzz driver's demonstration).

    Parameters
    ----------
    x : array_like
        Input values.
    {where and kwargs}

    Returns
    -------
    ndarray
        2x + 1.
    """,
)
