"""Build-time generator: every ``spec.py`` under src/ -> the registration table and stubs.

A spec file is Python that calls two functions, given to it by this script:

``ufunc(name, loops, min_parallel, grain, doc, signature=None, process_core_dims=False, split=None,
out_dims=None, numba_point=False)``
    One NumPy ufunc (a name starting with ``_`` is private: built, but left
    out of ``__all__``).  ``loops`` maps a type signature such as
    ``"f32,i64->f32"`` (f32 f64 c64 c128 i64) to ``"simd"`` (a kernel at every
    SIMD level) or ``"scalar"`` (one kernel).  The kernels are named from the
    ufunc and its first input type: ``pf_<name>_<type>_<level>``, e.g.
    ``pf_poly8_f64_avx2`` (leading underscores of a private name dropped);
    ``process_core_dims=True`` names
    ``pf_<name>_process_core_dims``.  ``min_parallel`` (outer items below
    which one thread runs) and ``grain`` (fewest outer items in a block) are
    the thread pool's split.  ``split`` names a core dimension of a gufunc
    whose items the generic loop may split as well as the outer ones (each
    unit is then one outer item's slice along it; ``min_parallel`` counts
    its items' work, ``grain`` units): the kernel is called on a block of
    that dimension like on a whole item.  ``out_dims`` maps a core dimension
    that only outputs have to a C expression of the others' sizes: the
    smallest size the ufunc accepts (the fuzz driver sizes it so), e.g.
    ``{"m": "(n + 1) / 2"}``.  ``numba_point=True`` (elementwise, one
    output) declares each loop's scalar entry for numba,
    ``pf_<name>_<type>_point`` (module/numba_points.h).  ``doc`` is numpydoc text, indented as it reads;
    a line ``{where and kwargs}`` stands for the two entries every elementwise
    ufunc documents alike (WHERE_AND_KWARGS).

``function(name, args, doc, stub, flags="METH_VARARGS")``
    One function of the module polyfast._core, implemented in C as
    ``pf_<name without leading underscores>`` with the ``PyCFunction``
    signature; ``args`` is its text signature such as ``"(n, /)"``, ``stub``
    its lines for ``_core.pyi``.

Usage (src/meson.build runs both)::

    generate.py sources FAMILY_DIR...         # configure time: each family's files
    generate.py table OUT.c OUT.pyi SPEC...    # build time: the table and the stubs
    generate.py kernels OUT.h OUT.c SPEC...    # build time: kernels.h and kernels.c

``kernels.h`` is plain C (no Python.h): it declares every kernel by its full
name (``PF_KERNEL(pf_poly8_f64_avx2);``) under the ``#if`` of the levels of
each architecture (runtime/simd_levels.h), and ``kernels.c`` defines the
plain-C description of every ufunc (runtime/kernel_table.h): operands, core
dimensions, loops with their kernels.  The registration table takes its loops
from there, and the fuzz driver walks it.

Generating rather than listing by hand keeps the name, signature, loops and
docstring of a ufunc in one place: the C table, the stubs and the module's
``__all__`` all derive from the specs, so they cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import inspect
import pathlib
import re
import sys

TYPES = {"f32": "PF_F32", "f64": "PF_F64", "c64": "PF_C64", "c128": "PF_C128", "i64": "PF_I64"}
LOOP_KINDS = ("simd", "scalar")
METH_FLAGS = ("METH_VARARGS", "METH_O", "METH_NOARGS")
MAX_ARGS = 8  # PF_MAX_ARGS in runtime/kernel_table.h
MAX_OP_CORE = 4  # PF_MAX_OP_CORE in runtime/kernel_table.h
SRC = pathlib.Path(__file__).resolve().parent.parent

STUB_HEADER = '''\
"""Type stubs for polyfast._core, the C extension module.

Generated at build time by src/codegen/generate.py from the spec.py files
under src/; edit those, not this file.
"""

from collections.abc import Callable
from typing import Final, Literal, overload

import numpy as np
import numpy.typing as npt

MAX_THREADS: Final[int]
'''


WHERE_AND_KWARGS = """\
where : array_like, optional
    Compute only where True; see `ufuncs`.
**kwargs
    Other keyword arguments of `ufuncs` (``dtype``, ``casting``, ``order``)."""


class SpecError(Exception):
    pass


@dataclasses.dataclass
class Ufunc:
    name: str
    loops: list[tuple[list[str], list[str], str]]  # (inputs, outputs, kind)
    min_parallel: int
    grain: int
    doc: str
    signature: str | None
    process_core_dims: bool
    origin: str
    split_dim: int = -1  # NumPy's index of the splittable core dimension
    out_dims: dict[str, str] = dataclasses.field(default_factory=dict)
    numba_point: bool = False  # scalar entries for numba (module/numba_points.h)

    @property
    def core_names(self) -> list[str]:
        """The core dimensions, numbered as NumPy does: by first appearance."""
        return list(dict.fromkeys(re.findall(r"\w+", self.signature or "")))

    @property
    def operand_dims(self) -> list[list[str]]:
        """Each operand's core dimensions (none for an elementwise ufunc)."""
        if self.signature is None:
            nargs = len(self.loops[0][0]) + len(self.loops[0][1])
            return [[] for _ in range(nargs)]
        return [re.findall(r"\w+", op) for op in re.findall(r"\((.*?)\)", self.signature)]

    @property
    def c_name(self) -> str:
        return self.name.lstrip("_")


@dataclasses.dataclass
class Function:
    name: str
    args: str
    doc: str
    stub: str
    flags: str
    origin: str

    @property
    def c_name(self) -> str:
        return "pf_" + self.name.lstrip("_")


def _parse_loop(types: str, origin: str) -> tuple[list[str], list[str]]:
    match = re.fullmatch(r"\s*([\w,\s]+?)\s*->\s*([\w,\s]+?)\s*", types)
    if match is None:
        raise SpecError(f"{origin}: loop {types!r} is not 'in,in->out'")
    ins, outs = ([t.strip() for t in side.split(",")] for side in match.groups())
    for t in ins + outs:
        if t not in TYPES:
            raise SpecError(f"{origin}: loop {types!r}: unknown type {t!r} (known: {', '.join(TYPES)})")
    return ins, outs


def read_spec(path: pathlib.Path) -> tuple[list[Ufunc], list[Function]]:
    """Run one spec file and collect what it declares."""
    ufuncs: list[Ufunc] = []
    functions: list[Function] = []
    resolved = path.resolve()
    origin = resolved.relative_to(SRC).as_posix() if resolved.is_relative_to(SRC) else str(path)

    def ufunc(name, *, loops, min_parallel, grain, doc, signature=None,
              process_core_dims=False, split=None, out_dims=None, numba_point=False):
        parsed = []
        for types, kind in loops.items():
            if kind not in LOOP_KINDS:
                raise SpecError(f"{origin}: {name}: loop kind {kind!r} is not one of {LOOP_KINDS}")
            ins, outs = _parse_loop(types, origin)
            parsed.append((ins, outs, kind))
        if not parsed:
            raise SpecError(f"{origin}: {name}: no loops")
        arity = {(len(i), len(o)) for i, o, _ in parsed}
        if len(arity) != 1:
            raise SpecError(f"{origin}: {name}: loops differ in their number of operands")
        nin, nout = arity.pop()
        if nin + nout > MAX_ARGS:
            raise SpecError(f"{origin}: {name}: more than {MAX_ARGS} operands")
        if signature is not None:
            sides = signature.split("->")
            if (len(sides) != 2 or len(re.findall(r"\(.*?\)", sides[0])) != nin
                    or len(re.findall(r"\(.*?\)", sides[1])) != nout):
                raise SpecError(f"{origin}: {name}: signature {signature!r} does not match "
                                f"{nin} inputs and {nout} outputs")
        if not (isinstance(min_parallel, int) and isinstance(grain, int) and grain >= 1):
            raise SpecError(f"{origin}: {name}: min_parallel and grain must be integers, grain >= 1")
        split_dim = -1
        if split is not None:
            # NumPy numbers the core dimensions in order of first appearance
            names = list(dict.fromkeys(re.findall(r"\w+", signature or "")))
            if split not in names:
                raise SpecError(f"{origin}: {name}: split {split!r} is not a core dimension "
                                f"of {signature!r}")
            split_dim = names.index(split)
        names = list(dict.fromkeys(re.findall(r"\w+", signature or "")))
        in_names = set(re.findall(r"\w+", (signature or "").split("->")[0]))
        for dim, expr in (out_dims or {}).items():
            if dim not in names or dim in in_names:
                raise SpecError(f"{origin}: {name}: out_dims: {dim!r} is not a core dimension "
                                "that only outputs have")
            unknown = set(re.findall(r"[A-Za-z_]\w*", expr)) - in_names
            if unknown:
                raise SpecError(f"{origin}: {name}: out_dims[{dim!r}] names {sorted(unknown)}, "
                                "not input core dimensions")
        for op in re.findall(r"\((.*?)\)", signature or ""):
            if len(re.findall(r"\w+", op)) > MAX_OP_CORE:
                raise SpecError(f"{origin}: {name}: an operand has more than {MAX_OP_CORE} "
                                "core dimensions")
        text = inspect.cleandoc(doc).replace("{where and kwargs}", WHERE_AND_KWARGS) + "\n"
        if numba_point and (signature is not None or len(parsed[0][1]) != 1):
            raise SpecError(f"{origin}: {name}: numba_point needs an elementwise ufunc "
                            "with one output")
        ufuncs.append(Ufunc(name, parsed, min_parallel, grain, text, signature,
                            process_core_dims, origin, split_dim, dict(out_dims or {}),
                            bool(numba_point)))

    def function(name, *, args, doc, stub, flags="METH_VARARGS"):
        if flags not in METH_FLAGS:
            raise SpecError(f"{origin}: {name}: flags must be one of {METH_FLAGS}")
        functions.append(Function(name, args, inspect.cleandoc(doc), inspect.cleandoc(stub),
                                  flags, origin))

    code = compile(path.read_text(encoding="utf-8"), origin, "exec")
    exec(code, {"ufunc": ufunc, "function": function, "__file__": origin})
    return ufuncs, functions


def c_string(text: str, indent: str = "    ") -> str:
    """``text`` as adjacent C string literals, one source line per line."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace('"', '\\"')
        newline = "\\n" if i < len(lines) - 1 else ""
        out.append(f'{indent}"{escaped}{newline}"')
    return "\n".join(out)


def kernel_base(u: Ufunc, ins: list[str]) -> str:
    return f"pf_{u.name.lstrip('_')}_{ins[0]}"


GENERATED = ["/* Generated by src/codegen/generate.py from the spec.py files under src/:",
             " * edit those, not this file. */"]


def arch_levels() -> list[tuple[str, list[str]]]:
    """The vector levels of each architecture, as runtime/simd_levels.h lists
    them: (the ``PF_HAVE_*`` macro its block defines, its levels above scalar)."""
    text = (SRC / "runtime" / "simd_levels.h").read_text(encoding="utf-8")
    blocks = re.findall(r"#define (PF_HAVE_\w+) 1\n.*?#define PF_FOR_EACH_SIMD_LEVEL\(X\)([^\n]*)",
                        text, re.S)
    found = []
    for macro, levels in blocks:
        names = re.findall(r"X\((\w+)\)", levels)
        if names[:1] != ["scalar"]:
            raise SpecError(f"runtime/simd_levels.h: {macro}'s levels do not start with scalar")
        found.append((macro, names[1:]))
    if not found:
        raise SpecError("runtime/simd_levels.h: no PF_HAVE_* level block found")
    return found


def per_arch(lines_for_level, indent: str = "") -> list[str]:
    """``#if``/``#elif`` blocks, one per architecture, each with the lines of
    its vector levels (``lines_for_level(level)``)."""
    out = []
    for i, (macro, levels) in enumerate(arch_levels()):
        out.append(f"{'#if' if i == 0 else '#elif'} {macro}")
        for level in levels:
            out += [indent + line for line in lines_for_level(level)]
    out.append("#endif")
    return out


def loop_bases(u: Ufunc) -> list[tuple[str, str]]:
    """Each kernel base of ``u`` once, with its kind (simd or scalar)."""
    bases: dict[str, str] = {}
    for ins, _, kind in u.loops:
        bases.setdefault(kernel_base(u, ins), kind)
    return list(bases.items())


def render_kernels_h(ufuncs: list[Ufunc]) -> str:
    parts = GENERATED + [
        "/* Plain C: every kernel by its full name, and the description of every",
        " * ufunc (runtime/kernel_table.h), defined in kernels.c. */",
        "#ifndef POLYFAST_KERNELS_H",
        "#define POLYFAST_KERNELS_H",
        "",
        '#include "runtime/kernel_table.h"',
    ]
    for u in ufuncs:
        parts.append(f"\n/* {u.name}, from {u.origin} */")
        for base, kind in loop_bases(u):
            parts.append(f"PF_KERNEL({base}_scalar);")
            if kind == "simd":
                parts += per_arch(lambda level: [f"PF_KERNEL({base}_{level});"])
        parts.append(f"extern const pf_kernel_loop pf_{u.c_name}_loops[{len(u.loops)}];")
        parts.append(f"extern const pf_kernel_ufunc pf_kernels_{u.c_name};")
    parts += [
        "",
        "/* Every ufunc, NULL-terminated, in the order of src/meson.build's families. */",
        "extern const pf_kernel_ufunc *const pf_kernel_ufuncs[];",
        "",
        "/* The kernels (one per level) of ufunc `name`'s loop whose first operand is",
        " * of type `first`; NULL if there is none. */",
        "const pf_kernel_fn *pf_kernels_for(const char *name, pf_type first);",
        "",
        "#endif",
        "",
    ]
    return "\n".join(parts)


def render_kernels_c(ufuncs: list[Ufunc]) -> str:
    parts = GENERATED + [
        "#include <string.h>",
        "",
        '#include "kernels.h"',
    ]
    for u in ufuncs:
        names = u.core_names
        parts.append(f"\n/* {u.name}, from {u.origin} */")
        parts.append(f"const pf_kernel_loop pf_{u.c_name}_loops[{len(u.loops)}] = {{")
        for ins, outs, kind in u.loops:
            base = kernel_base(u, ins)
            types = ", ".join(TYPES[t] for t in ins + outs)
            parts.append(f"    {{.types = {{{types}}},")
            for field, fmt in (("kernels", "{}"), ("kernel_names", '"{}"')):
                parts.append(f"     .{field} = {{{fmt.format(base + '_scalar')},")
                if kind == "simd":
                    parts += per_arch(lambda level: [fmt.format(f"{base}_{level}") + ","],
                                      "                   ")
                parts.append("     },")
            parts.append("    },")
        parts.append("};")
        min_out = "NULL"
        if u.out_dims:
            min_out = f"min_out_dims_{u.c_name}"
            parts.append(f"static void {min_out}(intptr_t *core_dims)")
            parts.append("{")
            for dim, expr in u.out_dims.items():
                c_expr = re.sub(r"[A-Za-z_]\w*",
                                lambda m: f"core_dims[{names.index(m.group(0))}]", expr)
                parts.append(f"    core_dims[{names.index(dim)}] = {c_expr}; /* {dim} = {expr} */")
            parts.append("}")
        op_dims = u.operand_dims
        ndim = ", ".join(str(len(d)) for d in op_dims)
        dims = ", ".join("{" + (", ".join(str(names.index(n)) for n in d) or "0") + "}"
                         for d in op_dims)
        signature = f'"{u.signature}"' if u.signature else "NULL"
        parts += [
            f"const pf_kernel_ufunc pf_kernels_{u.c_name} = {{",
            f'    .name = "{u.name}",',
            f"    .signature = {signature},",
            f"    .nin = {len(u.loops[0][0])},",
            f"    .nout = {len(u.loops[0][1])},",
            f"    .ncore = {len(names)},",
            f"    .op_ndim = {{{ndim}}},",
            f"    .op_dims = {{{dims}}},",
            f"    .split_dim = {u.split_dim},",
            f"    .min_out_dims = {min_out},",
            f"    .nloops = {len(u.loops)},",
            f"    .loops = pf_{u.c_name}_loops,",
            "};",
        ]
    parts.append("\nconst pf_kernel_ufunc *const pf_kernel_ufuncs[] = {")
    parts += [f"    &pf_kernels_{u.c_name}," for u in ufuncs]
    parts += ["    NULL,", "};", ""]
    parts += [
        "const pf_kernel_fn *pf_kernels_for(const char *name, pf_type first)",
        "{",
        "    for (const pf_kernel_ufunc *const *u = pf_kernel_ufuncs; *u != NULL; u++)",
        "        for (int i = 0; strcmp((*u)->name, name) == 0 && i < (*u)->nloops; i++)",
        "            if ((*u)->loops[i].types[0] == first)",
        "                return (*u)->loops[i].kernels;",
        "    return NULL;",
        "}",
        "",
    ]
    return "\n".join(parts)


def render_table(ufuncs: list[Ufunc], functions: list[Function]) -> str:
    parts = GENERATED + [
        '#include "module/ufunc_spec.h"',
        "",
        "/* Every kernel, and each ufunc's loops (pf_<name>_loops), defined in kernels.c. */",
        '#include "kernels.h"',
    ]
    for u in ufuncs:
        parts.append(f"\n/* {u.name}, from {u.origin} */")
        if u.process_core_dims:
            parts.append(f"int pf_{u.name}_process_core_dims(PyUFuncObject *ufunc, "
                         "npy_intp *core_dim_sizes);")
        core_dims = f"pf_{u.name}_process_core_dims" if u.process_core_dims else "NULL"
        parts += [
            f"const pf_ufunc_spec pf_spec_{u.name} = {{",
            f"    .kernels = &pf_kernels_{u.c_name},",
            f"    .min_parallel = {u.min_parallel},",
            f"    .grain = {u.grain},",
            f"    .process_core_dims = {core_dims},",
            "    .doc =",
            c_string(u.doc, "        ") + ",",
            "};",
        ]
    parts.append("\nconst pf_ufunc_spec *const pf_ufunc_specs[] = {")
    parts += [f"    &pf_spec_{u.name}," for u in ufuncs]
    parts += ["    NULL,", "};", ""]
    parts += render_numba_points(ufuncs)
    for f in functions:
        parts.append(f"PyObject *{f.c_name}(PyObject *self, PyObject *arg); /* {f.origin} */")
    parts.append("\nPyMethodDef pf_module_methods[] = {")
    for f in functions:
        doc = f"{f.name}{f.args}\n--\n\n{f.doc}"
        parts.append(f'    {{"{f.name}", {f.c_name}, {f.flags},')
        parts.append(c_string(doc, "        ") + "},")
    parts += ["    {NULL, NULL, 0, NULL},", "};", ""]
    return "\n".join(parts)


# C types of an operand of a numba point entry (a complex one is two values).
POINT_C_TYPES = {"f32": ["float"], "f64": ["double"], "c64": ["float", "float"],
                 "c128": ["double", "double"], "i64": ["int64_t"]}


def render_numba_points(ufuncs: list[Ufunc]) -> list[str]:
    """pf_numba_points (module/numba_points.h): each ``numba_point=True``
    loop's scalar entry ``<kernel base>_point`` with its C signature."""
    parts = ['#include "module/numba_points.h"', "#include <stdint.h>"]
    rows = []
    for u in ufuncs:
        for index, (ins, outs, _) in enumerate(u.loops if u.numba_point else []):
            params = ", ".join(c for t in ins for c in POINT_C_TYPES[t])
            result = POINT_C_TYPES[outs[0]][0]
            function = f"{kernel_base(u, ins)}_point"
            parts.append(f"{result} {function}({params});")
            rows.append(f'    {{"{u.name}", {index}, (void (*)(void)){function}, '
                        f'"{result} ({params})"}},')
    parts.append("const pf_numba_point pf_numba_points[] = {")
    parts += rows + ["    {NULL, 0, NULL, NULL},", "};", ""]
    return parts


def public_names(ufuncs: list[Ufunc], functions: list[Function]) -> list[str]:
    """The module's ``__all__``: every ufunc, then the public functions."""
    return ([u.name for u in ufuncs if not u.name.startswith("_")]
            + [f.name for f in functions if not f.name.startswith("_")])


def render_stub(ufuncs: list[Ufunc], functions: list[Function]) -> str:
    names = public_names(ufuncs, functions)
    parts = [STUB_HEADER, "__all__ = ["]
    parts += [f'    "{n}",' for n in names]
    parts += ["]", ""]
    parts += [f"{u.name}: np.ufunc" for u in ufuncs]
    parts.append("")
    for f in functions:
        parts += [f"# {f.origin}", f.stub]
    return "\n".join(parts) + "\n"


def collect(spec_paths: list[pathlib.Path]) -> tuple[list[Ufunc], list[Function]]:
    ufuncs: list[Ufunc] = []
    functions: list[Function] = []
    for path in spec_paths:
        u, f = read_spec(path)
        ufuncs += u
        functions += f
    seen: dict[str, str] = {}
    for item in [*ufuncs, *functions]:
        if item.name in seen:
            raise SpecError(f"{item.origin}: {item.name!r} is already defined in {seen[item.name]}")
        seen[item.name] = item.origin
    return ufuncs, functions


def list_sources(family_dirs: list[str]) -> list[str]:
    """Lines ``<kind> <path>``: kind ``spec`` (spec.py), ``glue`` (``*_glue.c``,
    the only files that may include Python.h), ``simd`` (``*_simd.c``, compiled
    once per vector level) or ``c`` (any other ``.c``: plain C kernels)."""
    lines = []
    for family in family_dirs:
        folder = pathlib.Path(family)
        if not folder.is_dir():
            raise SpecError(f"src/meson.build lists family {family!r}, but src/{family}/ does not exist")
        if (folder / "spec.py").exists():
            lines.append(f"spec {family}/spec.py")
        for source in sorted(folder.glob("*.c")):
            kind = ("simd" if source.name.endswith("_simd.c")
                    else "glue" if source.name.endswith("_glue.c") else "c")
            lines.append(f"{kind} {family}/{source.name}")
    return lines


def main(argv: list[str]) -> int:
    try:
        if len(argv) >= 1 and argv[0] == "sources":
            print("\n".join(list_sources(argv[1:])))
            return 0
        if len(argv) >= 3 and argv[0] == "table":
            out_c, out_pyi = pathlib.Path(argv[1]), pathlib.Path(argv[2])
            ufuncs, functions = collect([pathlib.Path(p) for p in argv[3:]])
            out_c.write_text(render_table(ufuncs, functions), encoding="utf-8")
            out_pyi.write_text(render_stub(ufuncs, functions), encoding="utf-8")
            return 0
        if len(argv) >= 3 and argv[0] == "kernels":
            out_h, out_c = pathlib.Path(argv[1]), pathlib.Path(argv[2])
            ufuncs, _ = collect([pathlib.Path(p) for p in argv[3:]])
            out_h.write_text(render_kernels_h(ufuncs), encoding="utf-8")
            out_c.write_text(render_kernels_c(ufuncs), encoding="utf-8")
            return 0
    except SpecError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
