"""Generic sweep rows for every ufunc that ``polyfast`` exports, from the ufunc itself.

Nothing here names a ufunc: `module_ufuncs()` lists the names in
``polyfast.__all__`` whose object is an ``np.ufunc``, and `describe()` reads
what NumPy knows of it (``nin``, ``nout``, ``types`` such as ``'Dl->l'``,
``signature`` such as ``'(n),(),(),()->(m),()'``).  From that:

* `arguments()` builds small deterministic operands of each loop's dtypes and
  core dimensions (floats in [-1.5, 1.5], complex in [-2, 1] x [-1.5, 1.5],
  integers 1..20, booleans), under several layouts (`VARIANTS`), and `outputs()`
  the matching ``out=`` arrays when every output core dimension also appears
  among the inputs (an output-only dimension such as ``m`` is sized by the
  ufunc's ``process_core_dims``: no ``out=`` is made for it);
* `generic_entry()` the sweep row (a `public_api.Entry`): good calls per loop,
  bad calls NumPy must refuse, a ``work`` call big enough for the thread pool,
  and dask/xarray expressions when the output core dimensions are known.

Expressions refer to operands by key, ``UA['poly8|d->d|vec']`` (inputs) and
``UO[...]`` (outputs), two lazily filled dicts of `namespace_extras()` so that
building a namespace stays cheap.  Needs only NumPy (spawned children and
subprocesses import it); dask and xarray are imported by the helpers that use
them.
"""

from __future__ import annotations

import dataclasses
import re
import zlib

import numpy as np

# Loop type characters the generic operands can be made for.
_FLOAT = "efdg"
_COMPLEX = "FDG"
_INT = "bhilqpBHILQP"
_BOOL = "?"
USABLE = _FLOAT + _COMPLEX + _INT + _BOOL

# loop shapes of the variants; "strided" and "rev" are views of larger arrays
VARIANTS = ("vec", "0d", "strided", "bcast", "empty", "special", "eco", "work")
SMALL_LOOP = (3, 4)
ECO_LOOP = (6, 40)
ECO_CHUNKS = (3, 20)
WORK_ELEMENTS = 200_000
CORE_SIZES = (5, 3, 4, 2, 6)  # sizes given to input core dimensions, in order of appearance


@dataclasses.dataclass(frozen=True)
class Spec:
    name: str
    nin: int
    nout: int
    loops: tuple[tuple[str, str], ...]       # (input chars, output chars), usable ones
    core_in: tuple[tuple[str, ...], ...]     # per input, its core dimension names
    core_out: tuple[tuple[str, ...], ...]    # per output
    sizes: dict                              # core dimension -> size (input dims, fixed dims)
    unknown_out: frozenset                   # output core dims not among the inputs

    @property
    def gufunc(self) -> bool:
        return any(self.core_in) or any(self.core_out)

    @property
    def outs_known(self) -> bool:
        return not self.unknown_out

    def in_core(self, i: int) -> tuple[int, ...]:
        return tuple(self.sizes[d] for d in self.core_in[i])

    def out_core(self, j: int) -> tuple[int, ...]:
        return tuple(self.sizes[d] for d in self.core_out[j])


def _parse_signature(sig: str | None, nin: int, nout: int):
    if sig is None:
        return ((),) * nin, ((),) * nout
    left, right = sig.replace(" ", "").split("->")

    def operands(side):
        return tuple(tuple(d.rstrip("?") for d in group.split(",") if d)
                     for group in re.findall(r"\(([^)]*)\)", side))

    return operands(left), operands(right)


def describe(ufunc) -> Spec:
    """What the sweeps need to know of `ufunc`, read from the object."""
    core_in, core_out = _parse_signature(ufunc.signature, ufunc.nin, ufunc.nout)
    sizes: dict = {}
    for dims in core_in:
        for d in dims:
            if d not in sizes:
                sizes[d] = int(d) if d.isdigit() else CORE_SIZES[len(sizes) % len(CORE_SIZES)]
    unknown = set()
    for dims in core_out:
        for d in dims:
            if d.isdigit():
                sizes.setdefault(d, int(d))
            elif d not in sizes:
                unknown.add(d)
    loops = []
    for t in ufunc.types:
        ins, outs = t.split("->")
        if all(ch in USABLE for ch in ins + outs):
            loops.append((ins, outs))
    return Spec(ufunc.__name__, ufunc.nin, ufunc.nout, tuple(loops), core_in, core_out,
                sizes, frozenset(unknown))


def module_ufuncs() -> list[str]:
    """The names in ``polyfast.__all__`` that are ufuncs (gufuncs included)."""
    import polyfast

    return sorted(n for n in polyfast.__all__ if isinstance(getattr(polyfast, n), np.ufunc))


def spec_of(name: str) -> Spec:
    import polyfast

    return describe(getattr(polyfast, name))


def loop_key(loop: tuple[str, str]) -> str:
    return f"{loop[0]}->{loop[1]}"


# --------------------------------------------------------------------------
# operands
# --------------------------------------------------------------------------

def values(char: str, shape: tuple[int, ...], rng: np.random.Generator,
           special: bool = False) -> np.ndarray:
    """Deterministic operand values of dtype `char` in the modest ranges above;
    with `special`, floats get nan, +-inf, -0.0 and a huge value sprinkled in."""
    dtype = np.dtype(char)
    if char in _FLOAT:
        a = rng.uniform(-1.5, 1.5, shape)
    elif char in _COMPLEX:
        a = rng.uniform(-2.0, 1.0, shape) + 1j * rng.uniform(-1.5, 1.5, shape)
    elif char in _INT:
        a = rng.integers(1, 21, shape)
    else:
        a = rng.random(shape) < 0.5
    a = np.asarray(a).astype(dtype)
    if special and char in _FLOAT + _COMPLEX and a.size:
        pick = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e30], dtype=np.float64)
        flat = a.reshape(-1)
        where = rng.random(flat.size) < 0.2
        flat[where] = pick[rng.integers(0, pick.size, int(where.sum()))].astype(dtype)
    return a


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32("|".join(map(str, key)).encode()))


def strided_copy(a: np.ndarray, rng: np.random.Generator | None = None,
                 steps: tuple[int, ...] | None = None) -> np.ndarray:
    """`a`'s values in a view of a larger buffer: every axis stepped (negative
    steps reverse it); the gaps hold a sentinel (a kernel reading them is wrong)."""
    if a.ndim == 0:
        return a.copy()
    if steps is None:
        steps = tuple(int(rng.choice([-2, 2, -1, 3])) if rng is not None else -2
                      for _ in range(a.ndim))
    big = np.empty(tuple(max(1, s * abs(k)) for s, k in zip(a.shape, steps)), dtype=a.dtype)
    big[...] = 7 if a.dtype.kind != "b" else True
    view = big[tuple(slice(None, None, k) for k in steps)]
    view = view[tuple(slice(0, s) for s in a.shape)]
    view[...] = a
    return view


def arguments(spec: Spec, loop: tuple[str, str], variant: str) -> tuple[np.ndarray, ...]:
    """Input operands of `loop` for `variant` (see VARIANTS)."""
    rng = _rng(spec.name, loop_key(loop), variant)
    if variant == "work":
        core = max(1, max((int(np.prod(spec.in_core(i))) for i in range(spec.nin)), default=1))
        lead: tuple[int, ...] = (max(20_000, WORK_ELEMENTS // core),)
    else:
        lead = {"vec": SMALL_LOOP, "0d": (), "strided": (6,), "bcast": SMALL_LOOP,
                "empty": (0,), "special": SMALL_LOOP, "eco": ECO_LOOP}[variant]
    args = []
    for i, ch in enumerate(loop[0]):
        core = spec.in_core(i)
        if variant == "bcast":
            # alternate (3, 1) and (4,) loop shapes; a single input gets stride 0
            own = (SMALL_LOOP[0], 1) if i % 2 == 0 else (SMALL_LOOP[1],)
            a = values(ch, own + core, rng)
            if spec.nin == 1:
                a = np.broadcast_to(a, SMALL_LOOP + core)
        else:
            a = values(ch, lead + core, rng, special=variant == "special")
            if variant == "strided":
                a = strided_copy(a, steps=(-2,) + (2,) * len(core))
        args.append(a)
    return tuple(args)


def loop_shape(spec: Spec, variant: str) -> tuple[int, ...]:
    return {"vec": SMALL_LOOP, "rev": SMALL_LOOP, "0d": (), "eco": ECO_LOOP}[variant]


def outputs(spec: Spec, loop: tuple[str, str], variant: str) -> tuple[np.ndarray, ...] | None:
    """``out=`` arrays for `loop`: "vec" contiguous, "rev" reversed views,
    "wrong_shape" one loop element short, "wrong_dtype" bool; None when an
    output core dimension is not known from the inputs."""
    if not spec.outs_known:
        return None
    outs = []
    for j, ch in enumerate(loop[1]):
        core = spec.out_core(j)
        if variant == "wrong_shape":
            outs.append(np.zeros((SMALL_LOOP[0], SMALL_LOOP[1] + 1) + core, dtype=ch))
        elif variant == "wrong_dtype":
            outs.append(np.zeros(SMALL_LOOP + core, dtype=bool))
        elif variant == "rev":
            outs.append(strided_copy(np.zeros(SMALL_LOOP + core, dtype=ch),
                                     steps=(-1,) * (2 + len(core))))
        else:
            outs.append(np.zeros(loop_shape(spec, variant) + core, dtype=ch))
    return tuple(outs)


class _Lazy(dict):
    """key -> operands, built on first use (namespace() is called per case)."""

    def __init__(self, build):
        super().__init__()
        self._build = build

    def __missing__(self, key):
        value = self[key] = self._build(key)
        return value


def _build_inputs(key: str):
    name, loop, variant = key.split("|")
    spec = spec_of(name)
    return arguments(spec, tuple(loop.split("->")), variant)


def _build_outputs(key: str):
    name, loop, variant = key.split("|")
    spec = spec_of(name)
    return outputs(spec, tuple(loop.split("->")), variant)


def replace(args: tuple, i: int, value) -> tuple:
    """`args` with the i-th operand replaced (for the bad calls)."""
    return args[:i] + (value,) + args[i + 1:]


def _other_dtype(spec: Spec, i: int) -> str:
    """A dtype no loop takes at input `i` exactly (casting='no' must refuse it)."""
    taken = {loop[0][i] for loop in spec.loops}
    return next(ch for ch in "bhe?BHfd" if ch not in taken)


def dask_call(ufunc, args: tuple):
    """`ufunc` on dask arrays of `args`, loop dimensions chunked (lazy)."""
    import dask.array as da

    dargs = [da.from_array(a, chunks=ECO_CHUNKS[:a.ndim] + (-1,) * max(0, a.ndim - 2))
             for a in args]
    return ufunc(*dargs)


XR_COORDS = {"x": np.arange(ECO_LOOP[0]) * 10, "y": np.linspace(0.0, 1.0, ECO_LOOP[1])}


def xarray_call(ufunc, args: tuple):
    """`ufunc` on labelled DataArrays of `args` (dims x, y and the core
    dimension names): directly for an elementwise ufunc, through
    ``xr.apply_ufunc`` for a gufunc."""
    import xarray as xr

    spec = describe(ufunc)
    das = [xr.DataArray(a, dims=("x", "y") + spec.core_in[i], coords=XR_COORDS)
           for i, a in enumerate(args)]
    if not spec.gufunc:
        return ufunc(*das)
    return xr.apply_ufunc(ufunc, *das, input_core_dims=[list(d) for d in spec.core_in],
                          output_core_dims=[list(d) for d in spec.core_out])


def namespace_extras() -> dict:
    return {"UA": _Lazy(_build_inputs), "UO": _Lazy(_build_outputs), "REPL": replace,
            "dask_call": dask_call, "xarray_call": xarray_call}


# --------------------------------------------------------------------------
# the generic sweep row
# --------------------------------------------------------------------------

TYPE = ("TypeError",)
VALUE = ("ValueError",)
HUGE = ("MemoryError", "ValueError")


def generic_cases(name: str) -> dict:
    """good, bad, work, dask, xarray, not_applicable of ufunc polyfast.`name`."""
    spec = spec_of(name)
    f = f"polyfast.{name}"
    good: list[str] = []
    bad: list[tuple[str, tuple[str, ...]]] = []
    works: list[str] = []
    for loop in spec.loops:
        k = f"{name}|{loop_key(loop)}"
        for variant in ("vec", "0d", "strided", "bcast"):
            good.append(f"{f}(*UA['{k}|{variant}'])")
        if spec.outs_known:
            good.append(f"{f}(*UA['{k}|vec'], out=UO['{k}|vec'])")
            good.append(f"{f}(*UA['{k}|vec'], out=UO['{k}|rev'])")
        bad.append((f"{f}(*UA['{k}|special'])", ()))  # valid: non-finite inputs
        works.append(f"{f}(*UA['{k}|work'])")
    if not spec.loops:
        return dict(good=(), bad=(), work=None, dask=(), xarray=(),
                    not_applicable={"dask": "no loop with numeric types",
                                    "xarray": "no loop with numeric types"})
    loop = spec.loops[0]
    k = f"{name}|{loop_key(loop)}"
    a = f"UA['{k}|vec']"
    bad += [
        (f"{f}(*UA['{k}|empty'])", ()),  # valid: an empty loop dimension
        (f"{f}()", TYPE),
        (f"{f}(*{a}, *({a}[:1] * {spec.nout + 1}))", TYPE),  # one argument too many
        (f"{f}(*{a}, bogus=1)", TYPE),
        (f"{f}(*{a}, casting='bogus')", VALUE),
        (f"{f}(*{a}, order='Q')", VALUE),
        (f"{f}(*REPL({a}, 0, np.ones({a}[0].shape, '{_other_dtype(spec, 0)}')), casting='no')",
         TYPE),
        (f"{f}(*REPL({a}, 0, np.zeros({a}[0].shape, 'M8[s]')))", TYPE),
        (f"{f}(*REPL({a}, 0, [[1.0, 2.0], [1.0]]))", VALUE),
        (f"{f}(*REPL({a}, 0, np.broadcast_to({a}[0][0, 0], (10**7, 10**7) + {a}[0].shape[2:])))",
         HUGE),
    ]
    if spec.nin > 1:
        bad.append((f"{f}(*{a}[:-1])", TYPE))  # one argument short
    for i in range(spec.nin):
        bad += [(f"{f}(*REPL({a}, {i}, None))", TYPE),
                (f"{f}(*REPL({a}, {i}, 'abc'))", TYPE),
                (f"{f}(*REPL({a}, {i}, {a}[{i}].astype(object)))", TYPE)]
    if spec.outs_known:
        bad += [(f"{f}(*{a}, out=UO['{k}|wrong_shape'])", VALUE),
                (f"{f}(*{a}, out=UO['{k}|wrong_dtype'])", TYPE),
                (f"{f}(*{a}, out=UO['{k}|vec'] * 2)", VALUE)]  # too many outputs
    if not spec.gufunc:
        bad.append((f"{f}(*{a}, where=np.ones(7, dtype=bool))", VALUE))
    work = works[0] if len(works) == 1 else "(" + ", ".join(works) + ")"
    dask: tuple = ()
    xarray: tuple = ()
    not_applicable: dict = {}
    if spec.outs_known:
        wide = spec.loops[-1]
        e = f"UA['{name}|{loop_key(wide)}|eco']"
        dask = ((f"dask_call({f}, {e})", f"{f}(*{e})"),)
        xarray = ((f"xarray_call({f}, {e})", f"{f}(*{e})"),)
    else:
        why = (f"output core dimension(s) {sorted(spec.unknown_out)} sized by the ufunc: "
               "needs a per-name recipe")
        not_applicable = {"dask": why, "xarray": why}
    return dict(good=tuple(good), bad=tuple(bad), work=work, dask=dask, xarray=xarray,
                not_applicable=not_applicable)
