"""The numba overloads of polyfast's ufuncs (registered by polyfast/_numba.py).

Built from each ufunc object: its loops (``ufunc.types``), ``nin``, ``nout``
and core signature.  The implementations numba compiles are generated as
source text per call signature (the number, kinds and dimensions of the
arguments are known when numba types the call), then call the C side
through two intrinsics that name symbols bound by `polyfast._numba.init`.
"""

from __future__ import annotations

import functools

import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.core.errors import TypingError
from numba.core.typing.templates import builtin_registry, infer_global
from numba.extending import intrinsic, overload, register_jitable
from numba.np.numpy_support import as_dtype, from_dtype

import polyfast
from polyfast import _core
from polyfast import _numba
from polyfast._numba import (LOOP_SYMBOL, PYTHON_LEVEL, data_symbol,
                             parse_core_signature)

_I8P = ir.IntType(8).as_pointer()
_KIND_RANK = {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}


def _data_pointer(builder, key: str):
    """The address of loop data ``key`` ("ufunc.i"), as an external symbol."""
    name = data_symbol(key)
    module = builder.module
    variable = module.globals.get(name)
    if variable is None:
        variable = ir.GlobalVariable(module, ir.IntType(8), name)
        variable.linkage = "external"
    return builder.bitcast(variable, _I8P)


def _array_data(context, builder, array_type, value):
    return builder.bitcast(context.make_array(array_type)(context, builder, value).data, _I8P)


@intrinsic
def _address(typingctx, array):
    """The data pointer of an array, as an integer (for strided offsets)."""
    if not isinstance(array, types.Array):
        return None

    def codegen(context, builder, signature, args):
        data = context.make_array(signature.args[0])(context, builder, args[0]).data
        return builder.ptrtoint(data, context.get_value_type(types.intp))

    return types.intp(array), codegen


def _cast_items(context, builder, signature, args, in_types) -> list:
    """The items of the tuple argument ``args[0]`` cast to ``in_types`` (numba's
    own casts, as NumPy's loop choice casts them)."""
    return [context.cast(builder, builder.extract_value(args[0], i), from_type, to_type)
            for i, (from_type, to_type) in enumerate(zip(signature.args[0], in_types))]


@functools.cache
def _loop_call(key: str):
    """``call(ptrs, dims, steps, keep)``: the ufunc's inner loop ``key`` on
    NumPy's inner-loop arguments; ``keep`` holds the operands alive across it."""
    @intrinsic
    def call(typingctx, ptrs, dims, steps, keep):
        def codegen(context, builder, signature, args):
            function_type = ir.FunctionType(ir.VoidType(), [_I8P] * 4)
            function = cgutils.get_or_insert_function(builder.module, function_type, LOOP_SYMBOL)
            builder.call(function, [_data_pointer(builder, key)] + [
                _array_data(context, builder, signature.args[i], args[i]) for i in range(3)])
            return context.get_dummy_value()

        return types.void(ptrs, dims, steps, keep), codegen

    return call


@functools.cache
def _point_call(key: str, in_types: tuple, out_type):
    """``call(values)``: loop ``key``'s scalar-level kernel on one item, the tuple
    ``values`` cast to the loop's input types as NumPy casts them."""
    @intrinsic
    def call(typingctx, values):
        def codegen(context, builder, signature, args):
            slots = [builder.bitcast(cgutils.alloca_once_value(builder, value), _I8P)
                     for value in _cast_items(context, builder, signature, args, in_types)]
            result = cgutils.alloca_once(builder, context.get_value_type(out_type))
            slots.append(builder.bitcast(result, _I8P))
            table = cgutils.alloca_once(builder, _I8P, size=len(slots))
            for i, slot in enumerate(slots):
                builder.store(slot, builder.gep(table, [ir.Constant(ir.IntType(32), i)]))
            intp = context.get_value_type(types.intp)
            steps = cgutils.alloca_once(builder, intp, size=len(slots))
            for i in range(len(slots)):
                builder.store(ir.Constant(intp, 0), builder.gep(steps, [ir.Constant(ir.IntType(32), i)]))
            # The kernel's own signature (src/runtime/kernel_api.h): one item.
            function_type = ir.FunctionType(ir.VoidType(), [
                _I8P.as_pointer(), intp, intp.as_pointer(), intp.as_pointer(), ir.IntType(32)])
            function = cgutils.get_or_insert_function(builder.module, function_type,
                                                      data_symbol(key + ".point"))
            builder.call(function, [table, ir.Constant(intp, 1), steps, steps,
                                    ir.Constant(ir.IntType(32), 0)])
            return builder.load(result)

        return out_type(values), codegen

    return call


@functools.cache
def _cast_values(in_types: tuple):
    """``cast(values)``: the tuple ``values`` cast to ``in_types`` as NumPy's
    loop choice casts them (numba's own casts, as `_point_call`'s)."""
    @intrinsic
    def cast(typingctx, values):
        result_type = types.Tuple(in_types)

        def codegen(context, builder, signature, args):
            items = _cast_items(context, builder, signature, args, in_types)
            return context.make_tuple(builder, result_type, items)

        return result_type(values), codegen

    return cast


@functools.cache
def _scalar_call(key: str, in_types: tuple, out_type):
    """``call(values)``: loop ``key``'s scalar entry (src/module/numba_points.h:
    values in, the value out, a complex input as its two parts), the tuple
    ``values`` cast to the loop's input types first."""
    @intrinsic
    def call(typingctx, values):
        def codegen(context, builder, signature, args):
            params, arguments = [], []
            cast = _cast_items(context, builder, signature, args, in_types)
            for to_type, value in zip(in_types, cast):
                if isinstance(to_type, types.Complex):
                    part = context.get_value_type(to_type.underlying_float)
                    number = context.make_complex(builder, to_type, value)
                    params += [part, part]
                    arguments += [number.real, number.imag]
                else:
                    params.append(context.get_value_type(to_type))
                    arguments.append(value)
            function_type = ir.FunctionType(context.get_value_type(out_type), params)
            function = cgutils.get_or_insert_function(builder.module, function_type,
                                                      data_symbol(key + ".scalar"))
            # Plain C: it never unwinds (LLVM may then drop landing pads).
            function.attributes.add("nounwind")
            return builder.call(function, arguments)

        return out_type(values), codegen

    return call


@register_jitable
def _poly8_f64(x):
    one = np.float64(1.0)
    return x * ((one + x) * ((one + x * x) * (one + (x * x) * (x * x))))


@register_jitable
def _poly8_f32(x):
    one = np.float32(1.0)
    return x * ((one + x) * ((one + x * x) * (one + (x * x) * (x * x))))


# Scalar bodies numba compiles inline, for ufuncs whose one item costs less
# than a call: the kernel's own operations in its order (src/poly/poly.h,
# PF_POLY8_REAL), each rounded on its own as numba does without fastmath, so
# the bits are the kernel's (tests/test_numba.py checks them against the
# ufunc).  A call of the C kernel per item cost 10x numba's inlined sum of
# powers (benchmarks/report_numba.py).
NATIVE_SCALAR = {("poly8", "f4"): _poly8_f32, ("poly8", "f8"): _poly8_f64}

# Below this maxiter the C point code checks no trap (src/mandelbrot/
# mandelbrot_traps.h, PF_MB_TRAP_MIN_MAXITER; the cycle check starts far
# above), so a point costs the plain iteration there and numba iterates it
# inline, without a call.  From it on, a point that the classic tests put
# in neither the cardioid nor the period-2 bulb gets MB_PREFIX_STEPS plain
# steps inline first (most such points escape within them) before the C
# entry, which starts again from z_1.  The thresholds only decide where a
# count is computed: the plain iteration is the count's definition and the
# C code's traps are exact, so every choice gives the ufunc's counts.
MB_INLINE_MAXITER = 64
MB_PREFIX_STEPS = 16


def _mandelbrot_prefix(T):
    zero, one, four = T(0), T(1), T(4)
    quarter, sixteenth = T(0.25), T(0.0625)

    @register_jitable
    def prefix(cr, ci, maxiter):
        """The count of c = (cr, ci) (mandelbrot.h's operations, each
        rounded on its own in T), or -1 to leave the point to the C entry."""
        if maxiter < 2:
            return np.int64(0) if maxiter < 1 else np.int64(1)
        if cr != cr or ci != ci:
            return maxiter  # NaN never escapes
        steps = maxiter - 1
        if maxiter >= MB_INLINE_MAXITER:
            x = cr - quarter
            y2 = ci * ci
            q = x * x + y2
            b = cr + one
            if q * (q + x) < y2 * quarter or b * b + y2 < sixteenth:
                return np.int64(-1)  # the C entry's traps pay at once
            steps = MB_PREFIX_STEPS
        zr = zero + cr
        zi = zero + ci
        for k in range(1, steps + 1):
            rr = zr * zr
            ii = zi * zi
            ri = zr * zi
            if not (rr + ii < four):
                return np.int64(k)
            zr = rr - ii + cr
            zi = ri + ri + ci
        return maxiter if maxiter < MB_INLINE_MAXITER else np.int64(-1)

    return prefix


# Inline first steps of ufuncs with a scalar entry (spec numba_point=True):
# the count, or -1 for "call the entry".  Given the loop's input types'
# values, complex ones as two parts.
NATIVE_PREFIX = {("mandelbrot", "c8"): _mandelbrot_prefix(np.float32),
                 ("mandelbrot", "c16"): _mandelbrot_prefix(np.float64)}


def _describe_loops(ufunc: np.ufunc) -> str:
    names = []
    for loop in ufunc.types:
        ins, outs = loop.split("->")
        text = ", ".join(np.dtype(c).name for c in ins)
        names.append(f"({text})")
    return " or ".join(names)


def _choose_loop(ufunc: np.ufunc, dtypes: list, is_array: list) -> int | None:
    """NumPy's legacy loop choice: the first loop every input casts to
    safely, where a scalar of a kind no higher than the arrays' (bool <
    integer < float < complex) need only cast within its kind."""
    array_rank = max((_KIND_RANK.get(d.kind, 9) for d, a in zip(dtypes, is_array) if a),
                     default=-1)
    for index, loop in enumerate(ufunc.types):
        ins = loop.split("->")[0]
        ok = True
        for dtype, array, letter in zip(dtypes, is_array, ins):
            weak = not array and _KIND_RANK.get(dtype.kind, 9) <= array_rank
            if not np.can_cast(dtype, np.dtype(letter), "same_kind" if weak else "safe"):
                ok = False
                break
        if ok:
            return index
    return None


def _refuse(name: str, ufunc: np.ufunc, args: tuple, why: str = "") -> TypingError:
    given = ", ".join(str(a) for a in args)
    return TypingError(f"polyfast.{name}() takes {_describe_loops(ufunc)}{why}; got ({given})")


def _typed_impl(ufunc: np.ufunc, name: str, args: tuple):
    """The implementation numba compiles for ``ufunc(*args)``, or a TypingError."""
    ins_core, outs_core = (parse_core_signature(ufunc.signature) if ufunc.signature
                           else ([()] * ufunc.nin, [()]))
    is_array = []
    dtypes = []
    for arg, core in zip(args, ins_core):
        arg = types.unliteral(arg)
        if isinstance(arg, types.Array) and isinstance(arg.dtype, (types.Number, types.Boolean)):
            if arg.ndim < len(core) or (core and arg.ndim != len(core)):
                return _refuse(name, ufunc, args, f", with {len(core)}-D arrays where the "
                               f"signature {ufunc.signature} has core dimensions")
            is_array.append(True)
            dtypes.append(as_dtype(arg.dtype))
        elif isinstance(arg, (types.Number, types.Boolean)) and not core:
            is_array.append(False)
            dtypes.append(as_dtype(arg))
        else:
            extra = f" (signature {ufunc.signature})" if ufunc.signature else ""
            return _refuse(name, ufunc, args, f", scalars or arrays of those{extra}")
    index = _choose_loop(ufunc, dtypes, is_array)
    if index is None:
        return _refuse(name, ufunc, args, " (or what casts to them safely)")
    key = f"{name}.{index}"
    loop_ins, loop_out = ufunc.types[index].split("->")
    loop_dtypes = [np.dtype(c) for c in loop_ins]
    out_dtype = np.dtype(loop_out)
    params = ", ".join(f"a{i}" for i in range(ufunc.nin))
    namespace = {"np": np, "_address": _address}
    native = NATIVE_SCALAR.get((name, loop_dtypes[0].str[1:])) if ufunc.nin == 1 else None
    if not any(is_array) and native is not None:
        namespace.update(native=native, dt0=getattr(np, loop_dtypes[0].name))
        exec("def impl(a0):\n    return native(dt0(a0))\n", namespace)
        return namespace["impl"]
    if not any(is_array) and f"{key}.scalar" in _numba.scalar_entries:
        in_types = tuple(from_dtype(d) for d in loop_dtypes)
        namespace["scalar"] = _scalar_call(key, in_types, from_dtype(out_dtype))
        prefix = NATIVE_PREFIX.get((name, loop_dtypes[0].str[1:]))
        if prefix is None:
            source = f"def impl({params}):\n    return scalar(({params},))\n"
        else:
            # The prefix takes the cast values, complex ones as two parts.
            namespace.update(prefix=prefix, cast=_cast_values(in_types))
            parts = ", ".join(f"v[{i}].real, v[{i}].imag" if d.kind == "c" else f"v[{i}]"
                              for i, d in enumerate(loop_dtypes))
            source = (f"def impl({params}):\n"
                      f"    v = cast(({params},))\n"
                      f"    count = prefix({parts})\n"
                      "    if count >= 0:\n"
                      "        return count\n"
                      "    return scalar(v)\n")
        exec(source, namespace)
        return namespace["impl"]
    if not any(is_array) and not ufunc.signature:
        namespace["point"] = _point_call(
            key, tuple(from_dtype(d) for d in loop_dtypes), from_dtype(out_dtype))
        source = f"def impl({params}):\n    return point(({params},))\n"
        exec(source, namespace)
        return namespace["impl"]
    return _array_impl(key, ufunc, args, is_array, loop_dtypes, out_dtype, ins_core,
                       outs_core[0], params, namespace)


def _array_impl(key, ufunc, args, is_array, loop_dtypes, out_dtype, ins_core, out_core,
                params, namespace):
    nin = ufunc.nin
    nargs = nin + 1
    lines = [f"def impl({params}):"]
    add = lines.append
    for i, (arg, dtype) in enumerate(zip(args, loop_dtypes)):
        namespace[f"dt{i}"] = getattr(np, dtype.name)
        if is_array[i]:
            same = as_dtype(types.unliteral(arg).dtype) == dtype
            add(f"    v{i} = a{i}" if same else f"    v{i} = a{i}.astype(dt{i})")
        else:
            add(f"    v{i} = np.empty(1, dt{i})")
            add(f"    v{i}[0] = a{i}")
    namespace["dto"] = getattr(np, out_dtype.name)
    loop_arrays = [i for i in range(nin) if is_array[i] and not ins_core[i]]
    loop_nd = max((types.unliteral(args[i]).ndim for i in loop_arrays), default=0)
    if len(loop_arrays) == 0:
        add("    shape = ()")
    elif len(loop_arrays) == 1:
        add(f"    shape = v{loop_arrays[0]}.shape")
    else:
        add("    shape = np.broadcast_shapes(" + ", ".join(f"v{i}.shape" for i in loop_arrays) + ")")
        for i in loop_arrays:
            add(f"    v{i} = np.broadcast_to(v{i}, shape)")
    # Core sizes, numbered by first appearance as NumPy numbers them.
    core_names: list[str] = []
    for i, core in enumerate(ins_core):
        for d, dim in enumerate(core):
            if dim not in core_names:
                core_names.append(dim)
                add(f"    core_{dim} = v{i}.shape[{d}]")
            else:
                add(f"    if v{i}.shape[{d}] != core_{dim}:")
                add(f"        raise ValueError('polyfast.{key.split('.')[0]}: core dimension "
                    f"{dim} of the operands differs')")
    out_core_shape = "".join(f"core_{dim}, " for dim in out_core)
    scalar_result = loop_nd == 0 and not out_core
    if scalar_result:
        add("    out = np.empty(1, dto)")
    elif out_core:
        add(f"    out = np.empty(shape + ({out_core_shape}), dto)")
    else:
        add("    out = np.empty(shape, dto)")
    ncore_steps = sum(len(c) for c in ins_core) + len(out_core)
    add(f"    ptrs = np.empty({nargs}, np.intp)")
    add(f"    dims = np.empty({1 + len(core_names)}, np.intp)")
    add(f"    steps = np.zeros({nargs + ncore_steps}, np.intp)")
    for j, dim in enumerate(core_names):
        add(f"    dims[{1 + j}] = core_{dim}")
    k = nargs
    for i, core in enumerate(ins_core):
        for d in range(len(core)):
            add(f"    steps[{k}] = v{i}.strides[{d}]")
            k += 1
    for d in range(len(out_core)):
        add(f"    steps[{k}] = out.strides[{loop_nd + d}]")
        k += 1
    for i in range(nin):
        add(f"    ptrs[{i}] = _address(v{i})")
    add(f"    ptrs[{nin}] = _address(out)")
    keep = "(" + ", ".join(f"v{i}" for i in range(nin)) + ", out)"
    namespace["loop"] = _loop_call(key)
    if loop_nd == 0:
        add("    dims[0] = 1")
        add(f"    loop(ptrs, dims, steps, {keep})")
        add("    return out[0]" if scalar_result else "    return out")
    else:
        out_item = f"out.itemsize{''.join(f' * core_{d}' for d in out_core)}"
        contiguous = " and ".join(f"v{i}.flags.c_contiguous" for i in loop_arrays)
        # One call for C-contiguous operands of the whole shape (broadcast
        # views are not), as NumPy coalesces them.
        add(f"    if {contiguous}:")
        add("        dims[0] = out.size" if not out_core else
            f"        dims[0] = out.size // ({' * '.join(f'core_{d}' for d in out_core)} or 1)")
        for i in loop_arrays:
            add(f"        steps[{i}] = v{i}.itemsize")
        add(f"        steps[{nin}] = {out_item}")
        add(f"        loop(ptrs, dims, steps, {keep})")
        add("        return out")
        add(f"    dims[0] = shape[{loop_nd - 1}]")
        for i in loop_arrays:
            add(f"    steps[{i}] = v{i}.strides[{loop_nd - 1}]")
        add(f"    steps[{nin}] = out.strides[{loop_nd - 1}]")
        if loop_nd == 1:
            add(f"    loop(ptrs, dims, steps, {keep})")
        else:
            for i in loop_arrays + [None]:
                var = "out" if i is None else f"v{i}"
                add(f"    base_{var} = _address({var})")
            add(f"    for index in np.ndindex(shape[:{loop_nd - 1}]):")
            for slot, i in [(i, i) for i in loop_arrays] + [(nin, None)]:
                var = "out" if i is None else f"v{i}"
                offset = " + ".join(f"index[{d}] * {var}.strides[{d}]" for d in range(loop_nd - 1))
                add(f"        ptrs[{slot}] = base_{var} + {offset}")
            add(f"        loop(ptrs, dims, steps, {keep})")
        add("    return out")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<polyfast numba: {key}>", "exec"), namespace)
    return namespace["impl"]


def _register_ufunc(name: str, ufunc: np.ufunc) -> None:
    params = ", ".join(f"a{i}" for i in range(ufunc.nin))
    namespace = {"_typed_impl": _typed_impl, "ufunc": ufunc, "name": name,
                 "TypingError": TypingError}
    exec(f"def typer({params}):\n"
         f"    impl = _typed_impl(ufunc, name, ({params},))\n"
         "    if isinstance(impl, TypingError):\n"
         "        raise impl\n"
         "    return impl\n", namespace)
    _overload_through_proxy(name, ufunc, namespace["typer"])


def _overload_through_proxy(name: str, ufunc: np.ufunc, typer) -> None:
    """Overload ``ufunc`` with a typing key that is not a ufunc.

    numba's array-expression rewrite (and parfors) take any call whose
    typing key is a `numpy.ufunc` with array arguments apart and call it
    element by element; polyfast's own loop (SIMD, pool) would then never
    run and gufuncs would break.  The overload is registered on a plain
    function, and the ufunc object is given that function's numba type.
    """
    def proxy(*args):
        raise TypeError(f"polyfast.{name}'s numba stand-in is not callable from Python")

    proxy.__name__ = proxy.__qualname__ = name
    proxy.__module__ = "polyfast"
    overload(proxy)(typer)
    function_type = next(typ for value, typ in reversed(builtin_registry.globals)
                         if value is proxy)
    infer_global(ufunc, function_type)


def _register_python_level(name: str, function: object, why: str) -> None:
    def typer(*args, **kwargs):
        raise TypingError(f"polyfast.{name}() is Python-level ({why}): call it outside "
                          "numba-compiled code")

    overload(function)(typer)


def register() -> None:
    for name in _core.__all__:
        function = getattr(polyfast, name)
        if name in PYTHON_LEVEL:
            _register_python_level(name, function, PYTHON_LEVEL[name])
        elif isinstance(function, np.ufunc) and function.nout == 1:
            _register_ufunc(name, function)
    for name, why in PYTHON_LEVEL.items():
        if name not in _core.__all__:
            _register_python_level(name, getattr(polyfast, name), why)
