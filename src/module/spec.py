"""The runtime's functions in polyfast._core: the thread count and the SIMD
level (C in module.c)."""

function(
    "set_num_threads",
    args="(n, /)",
    flags="METH_O",
    stub="def set_num_threads(n: int, /) -> None: ...",
    doc="""
        Use ``n`` threads (1 to 256) for large inputs.

        The pool is shared by every ufunc of polyfast and by the bump finder; small
        inputs always run on the calling thread. The initial value is
        ``POLYFAST_NUM_THREADS`` if set at import, else the CPUs this process may
        use. Results do not depend on the thread count.

        Parameters
        ----------
        n : int
            Number of threads, from 1 to 256.

        Returns
        -------
        None

        Raises
        ------
        TypeError
            If ``n`` is not an integer (a bool or float is refused).
        ValueError
            If ``n`` is outside 1 to 256.

        See Also
        --------
        get_num_threads

        Examples
        --------
        >>> import polyfast
        >>> before = polyfast.get_num_threads()
        >>> polyfast.set_num_threads(1)
        >>> polyfast.get_num_threads()
        1
        >>> polyfast.set_num_threads(before)
    """,
)

function(
    "get_num_threads",
    args="()",
    flags="METH_NOARGS",
    stub="def get_num_threads() -> int: ...",
    doc="""
        The number of threads large inputs are split over.

        Returns
        -------
        int
            From 1 to 256; see `set_num_threads`.

        Examples
        --------
        >>> import polyfast
        >>> 1 <= polyfast.get_num_threads() <= 256
        True
    """,
)

function(
    "get_simd_level",
    args="()",
    flags="METH_NOARGS",
    stub="def get_simd_level() -> str: ...",
    doc="""
        The SIMD level the loops use: 'scalar', 'avx2', 'avx512' or 'neon'.

        The best level the CPU supports, unless ``POLYFAST_SIMD`` lowered it at
        import. Every level gives the same bits.

        Returns
        -------
        str
            'scalar', 'avx2' or 'avx512' on x86-64; 'scalar' or 'neon' on arm64.

        See Also
        --------
        get_cpu_simd_level

        Examples
        --------
        >>> import polyfast
        >>> polyfast.get_simd_level() in ('scalar', 'avx2', 'avx512', 'neon')
        True
    """,
)

function(
    "get_cpu_simd_level",
    args="()",
    flags="METH_NOARGS",
    stub="def get_cpu_simd_level() -> str: ...",
    doc="""
        The best SIMD level this CPU supports.

        Returns
        -------
        str
            'scalar', 'avx2' or 'avx512' on x86-64; 'scalar' or 'neon' on arm64.

        See Also
        --------
        get_simd_level

        Examples
        --------
        >>> import polyfast
        >>> polyfast.get_cpu_simd_level() in ('scalar', 'avx2', 'avx512', 'neon')
        True
    """,
)

function(
    "_numba_capsules",
    args="()",
    flags="METH_NOARGS",
    stub="def _numba_capsules() -> dict[str, object]: ...",
    doc="""
        Private: the capsules polyfast/_numba.py binds for numba (C in
        module/numba_glue.c), named with their C signature: ``"loop"``, the
        array entry point; ``"<ufunc>.<i>"``, the data of each ufunc's loop
        i; ``"<ufunc>.<i>.point"``, that loop's scalar-level kernel.
    """,
)
