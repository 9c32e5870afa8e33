"""Timing, tables and the benchmark runner, shared by the benchmarks.

This module is used by ``python -m polyfast`` and by the scripts in the
repository's ``benchmarks/`` folder; ``import polyfast`` does not import it.
It holds

* the timer (`time_call`, `Timing`): repeated `timeit` runs with enough inner
  loops per repeat for microsecond resolution, summarized by min and median;
* the table and unit formatting (`format_seconds`, `markdown_table`) and a
  progress line on standard error (`Progress`);
* the environment: polyfast's thread count for a block (`polyfast_threads`),
  the optional engines' versions (`optional_module`, `engine_versions`) and
  the CPU share other processes took while timing (`LoadMeter`);
* the description of a benchmark (`Engine`, `Case`) and the loop that runs
  one (`run_case`), which checks every engine's result against the case's
  baseline and times the first call, which is where a JIT compiles, apart.

The notebook's own code, which the engines time, is in `polyfast.bench.baselines`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import math
import os
import statistics
import sys
import time
import timeit
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

import polyfast
from polyfast.bench import baselines

# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Seconds per call measured by `time_call`.

    Attributes
    ----------
    samples : tuple of float
        Seconds per call, one value per repeat (the repeat's total time
        divided by `number`).
    number : int
        Calls per repeat.
    """

    samples: tuple[float, ...]
    number: int

    @property
    def min(self) -> float:
        """Fastest repeat, in seconds per call: the least disturbed run."""
        return min(self.samples)

    @property
    def median(self) -> float:
        """Median repeat, in seconds per call: the typical run."""
        return statistics.median(self.samples)

    @property
    def repeat(self) -> int:
        """Number of repeats."""
        return len(self.samples)


def time_call(
    fn: Callable[[], object],
    *,
    min_repeat: int = 5,
    max_repeat: int = 100,
    budget: float = 2.0,
    repeat_time: float = 5e-3,
    max_time: float | None = None,
) -> Timing:
    """Time ``fn()`` over repeated `timeit` runs.

    Each repeat calls `fn` ``number`` times in a row, ``number`` being chosen
    from the fastest of a few single calls so that a repeat lasts about
    `repeat_time` (microsecond resolution for fast calls; slow ones are timed
    one call per repeat, and those single calls count as repeats).  Repeats
    go on until `budget` seconds have been spent, but at least `min_repeat`
    and at most `max_repeat` times; `max_time` stops a slow call earlier,
    after 3 repeats.  Garbage collection is off while timing, as `timeit`
    does.

    Parameters
    ----------
    fn : callable
        Called with no argument; its result is discarded.
    min_repeat, max_repeat : int, optional
        Bounds on the number of repeats.
    budget : float, optional
        Seconds to spend in all, calibration included, unless `min_repeat`
        needs more.
    repeat_time : float, optional
        Target duration of one repeat, in seconds.
    max_time : float, optional
        Hard limit in seconds, over `min_repeat`: a slow call stops repeating
        once 3 repeats are done and this much time is spent.

    Returns
    -------
    Timing
        Seconds per call of each repeat.

    Examples
    --------
    >>> t = time_call(lambda: sum(range(100)), budget=0.05, min_repeat=3)
    >>> t.repeat >= 3 and 0 < t.min <= t.median
    True
    """
    timer = timeit.Timer(fn)
    start = time.perf_counter()
    # Calibrate on single calls, the fastest of up to three (one disturbed
    # call must not decide `number`); they are samples when number stays 1.
    trials = [timer.timeit(1)]
    while len(trials) < 3 and trials[0] < 20 * repeat_time:
        trials.append(timer.timeit(1))
    per_call = max(min(trials), 1e-9)
    number = max(1, math.ceil(repeat_time / per_call))
    samples = trials if number == 1 else []
    while len(samples) < max_repeat:
        spent = time.perf_counter() - start
        if len(samples) >= min_repeat and spent >= budget:
            break
        if len(samples) >= 3 and max_time is not None and spent >= max_time:
            break
        samples.append(timer.timeit(number) / number)
    return Timing(tuple(samples), number)


# --------------------------------------------------------------------------
# Formatting and progress
# --------------------------------------------------------------------------


def format_seconds(seconds: float | None) -> str:
    """Format a duration with three significant digits and a fitting unit.

    Parameters
    ----------
    seconds : float or None
        Duration; None or NaN gives ``"-"``.

    Returns
    -------
    str

    Examples
    --------
    >>> format_seconds(0.000123456), format_seconds(2.5), format_seconds(None)
    ('123 µs', '2.50 s', '-')
    """
    if seconds is None or math.isnan(seconds):
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            break
    else:
        unit, scale = "ns", 1e-9
    value = seconds / scale
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:.{digits}f} {unit}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
                   align: str | None = None) -> str:
    """Lay out a table in Markdown (GitHub) syntax, columns padded to line up.

    Parameters
    ----------
    headers : sequence of str
        Column titles.
    rows : sequence of sequences
        Cells, turned to text with `str`.
    align : str, optional
        One letter per column, ``"l"`` or ``"r"``; default: all left.

    Returns
    -------
    str
        The table, lines joined by newlines, without a final newline.

    Examples
    --------
    >>> print(markdown_table(["a", "b"], [[1, 22]], align="lr"))
    | a |  b |
    |:--|---:|
    | 1 | 22 |
    """
    align = align or "l" * len(headers)
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        padded = (c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(row, widths, align))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        ("-" * (w + 1) + ":") if a == "r" else (":" + "-" * (w + 1))
        for w, a in zip(widths, align)
    ) + "|"
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


class Progress:
    """A one-line progress report on standard error.

    On a terminal the line is rewritten in place and erased by `close`;
    elsewhere (a CI log) each step is a line of its own.

    Parameters
    ----------
    total : int
        Number of steps.
    stream : file, optional
        Where to write; default ``sys.stderr``.
    enabled : bool, optional
        False writes nothing.
    """

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True):
        self.total = total
        self.count = 0
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.tty = enabled and self.stream.isatty()
        self._width = 0

    def step(self, message: str) -> None:
        """Count one step and show `message` for it."""
        self.count += 1
        if not self.enabled:
            return
        text = f"[{self.count}/{self.total}] {message}"
        if self.tty:
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Erase the progress line (terminal only)."""
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


# --------------------------------------------------------------------------
# The environment: threads, optional engines, other processes
# --------------------------------------------------------------------------


@contextlib.contextmanager
def polyfast_threads(n: int | None) -> Iterator[None]:
    """Run a block with ``polyfast.set_num_threads(n)``, then restore the count.

    Parameters
    ----------
    n : int or None
        Thread count for the block; None leaves it as it is.
    """
    previous = polyfast.get_num_threads()
    if n is not None:
        polyfast.set_num_threads(n)
    try:
        yield
    finally:
        polyfast.set_num_threads(previous)


def engine_versions() -> dict[str, str]:
    """Versions and thread counts of the engines that are importable.

    Imports numexpr and numba if they are installed (and says "not installed"
    otherwise).  numba's threading layer is only known after a parallel
    function has run; before that it reads "not chosen yet".

    Returns
    -------
    dict
        Keys ``polyfast``, ``numpy``, ``numexpr``, ``numba``: one line each.
    """
    info = {
        "polyfast": f"{polyfast.__version__}, SIMD {polyfast.get_simd_level()}, "
                    f"{polyfast.get_num_threads()} threads",
        "numpy": np.__version__,
    }
    for name in ("numexpr", "numba"):
        module = optional_module(name)
        if isinstance(module, str):
            info[name] = module
        elif name == "numexpr":
            info[name] = f"{module.__version__}, {module.get_num_threads()} threads"
        else:
            try:
                layer = module.threading_layer()
            except ValueError:
                layer = "not chosen yet"
            info[name] = (f"{module.__version__}, {module.get_num_threads()} threads, "
                          f"threading layer {layer}")
    return info


def _busy_cpu_seconds() -> float | None:
    """CPU seconds all processes have used since boot (Linux ``/proc/stat``)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            ticks = [int(v) for v in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]  # idle, iowait; the rest (steal too) is busy
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


class LoadMeter:
    """How much CPU other processes took while this one was timing.

    Other processes (or a hypervisor's steal) competing for the CPUs disturb
    timings, those on several threads most.  Created at the start of a run;
    `note` then gives a line for the report.  Linux only; elsewhere the line
    says it is unknown.
    """

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._busy = _busy_cpu_seconds()
        self._own = time.process_time()

    def others_share(self) -> float | None:
        """CPU time of other processes since creation, as a share of all CPUs."""
        busy = _busy_cpu_seconds()
        if busy is None or self._busy is None:
            return None
        wall = time.perf_counter() - self._wall
        own = time.process_time() - self._own
        return max(0.0, busy - self._busy - own) / (wall * (os.cpu_count() or 1))

    def note(self) -> str:
        """A line such as ``other processes used 3% of the 2 CPUs while timing``."""
        share = self.others_share()
        if share is None:
            return "CPU use of other processes: unknown"
        line = (f"other processes used {share:.0%} of the {os.cpu_count()} CPUs "
                "while timing")
        if share >= 0.05:
            line += " (enough to disturb the times, those on 2 threads most)"
        return line


def optional_module(name: str):
    """Import an optional engine, or say why it cannot be.

    Returns
    -------
    module or str
        The module, or a one-line message such as ``"not installed"``.
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        if getattr(exc, "name", None) == name:
            return "not installed"
        return f"cannot be imported: {exc}"
    except Exception as exc:  # a broken install fails in any way
        return f"cannot be imported: {type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------
# Cases, engines and the runner
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Engine:
    """One way of computing a case.

    Attributes
    ----------
    name : str
        Row label.
    family : str
        ``"polyfast"``, ``"numpy"``, ``"python"``, ``"numexpr"``, ``"numba"``,
        ``"cython"``, ``"scipy"`` or ``"memory"`` (a copy, the memory-traffic
        bound); colours the plot.
    make : callable
        ``make(*inputs)`` returns a function of no argument that computes
        the case on those inputs (allocating whatever it must beforehand,
        e.g. an ``out=`` array).  Called with the optional module already
        imported; an ImportError from it (a build that cannot be done here)
        skips the engine.
    requires : str or None
        Optional module needed (``"numba"``, ``"numexpr"``); the engine is
        skipped when it cannot be imported.
    jit : bool
        The first call compiles: its time is reported as compile time.
    threads : int or None
        polyfast thread count while this engine runs; None leaves it.
    check : bool
        Compare the result with the baseline's (False for a plain copy, or a
        different random stream).
    scale : float
        Time multiplier: an engine too slow to run on the whole input runs
        on a part of it (``make`` picks the part), and its times are
        extrapolated to the whole by this factor.
    same_as : str or None
        Check the result against this other engine's instead of the
        baseline's (e.g. the notebook's loop fractal, which counts one more
        than its NumPy one); the result is "n/a" when that engine is skipped.
    setup : callable or None
        Called before the first (checked) call instead of ``Case.setup``,
        e.g. to seed the random state this engine draws from.
    """

    name: str
    family: str
    make: Callable[..., Callable[[], object]]
    requires: str | None = None
    jit: bool = False
    threads: int | None = None
    check: bool = True
    scale: float = 1.0
    same_as: str | None = None
    setup: Callable[[], object] | None = None


@dataclass(frozen=True)
class Case:
    """A calculation of the notebook and the engines that compute it.

    Attributes
    ----------
    name : str
        Short name, used on the command line and in tables.
    title : str
        One line describing it.
    inputs : callable
        ``inputs()`` returns the tuple of arguments passed to ``make``.
    engines : sequence of Engine
        In the order of the table.
    baseline : str or sequence of str
        Name of the engine the speed-ups and result checks refer to; it runs
        first.  A sequence names candidates in order of preference: the
        first whose optional module can be imported is the baseline.
    same : callable
        ``same(result, reference_result)`` is True when the two agree.
    setup : callable or None
        Called before each engine's first (checked) call, e.g. to seed
        ``np.random`` so that every sampler draws the same numbers.
    """

    name: str
    title: str
    inputs: Callable[[], tuple]
    engines: Sequence[Engine]
    baseline: str | Sequence[str]
    same: Callable[[Any, Any], bool] = np.allclose
    setup: Callable[[], object] | None = None

    def runnable_engines(self) -> int:
        """How many engines can run here (their optional module imports)."""
        return sum(1 for e in self.engines
                   if e.requires is None or not isinstance(optional_module(e.requires), str))

    def baseline_fallback(self) -> str | None:
        """Why this run's baseline is not the case's first choice, or None."""
        first = self.baseline if isinstance(self.baseline, str) else self.baseline[0]
        if self.resolve_baseline() == first:
            return None
        requires = next(e.requires for e in self.engines if e.name == first)
        return f"{first} needs {requires}, which is {optional_module(requires)}"

    def resolve_baseline(self) -> str:
        """The engine that is this run's baseline (see `baseline`)."""
        candidates = [self.baseline] if isinstance(self.baseline, str) else list(self.baseline)
        engines = {e.name: e for e in self.engines}
        for name in candidates:
            if name not in engines:
                raise ValueError(f"case {self.name!r}: no engine named {name!r}")
            requires = engines[name].requires
            if requires is None or not isinstance(optional_module(requires), str):
                return name
        raise ValueError(f"case {self.name!r}: none of the baselines {candidates} can run")


def calls(fn: Callable) -> Callable[..., Callable[[], object]]:
    """An `Engine.make` computing ``fn(*inputs)``."""
    return lambda *inputs: functools.partial(fn, *inputs)


def calls_with_out(fn: Callable) -> Callable[..., Callable[[], object]]:
    """An `Engine.make` computing ``fn(*inputs, out=y)``, ``y`` allocated once.

    ``y`` is ``np.empty_like`` of the first input.
    """
    def make(*inputs):
        return functools.partial(fn, *inputs, out=np.empty_like(inputs[0]))
    return make


def calls_numba(name: str) -> Callable[[np.ndarray], Callable[[], object]]:
    """An `Engine.make` computing the notebook's numba function `name` on ``x``.

    The function is built (for float32 input, with the float32 loop; see
    `polyfast.bench.baselines.numba_notebook_function`) when the engine runs, so
    the build, and the compile of the first call, count as the engine's
    first call.
    """
    def make(x):
        fn = baselines.numba_notebook_function(name, float32=x.dtype == np.float32)
        return functools.partial(fn, x)
    return make


@dataclass
class Result:
    """The outcome of one engine on one case (see `run_case`)."""

    case: str
    engine: str
    family: str
    timing: Timing | None = None
    first_call: float | None = None
    compile: float | None = None
    same: bool | None = None
    speedup: float | None = None
    skipped: str | None = None
    baseline: bool = False
    scale: float = 1.0

    def as_dict(self) -> dict:
        """Plain types only, for JSON."""
        t = self.timing
        return {
            "case": self.case,
            "engine": self.engine,
            "family": self.family,
            "baseline": self.baseline,
            "median_s": t.median if t else None,
            "min_s": t.min if t else None,
            "repeat": t.repeat if t else None,
            "number": t.number if t else None,
            "samples_s": list(t.samples) if t else None,
            "extrapolated_by": self.scale if self.scale != 1.0 else None,
            "first_call_s": self.first_call,
            "compile_s": self.compile,
            "speedup": self.speedup,
            "same_result": self.same,
            "skipped": self.skipped,
        }


def run_case(
    case: Case,
    timing: dict | None = None,
    progress: Progress | None = None,
    settle: float = 0.05,
) -> list[Result]:
    """Run every engine of a case: build, first call, timing, result check.

    For each engine the optional module is imported first (a failure skips
    the engine), then ``make`` builds the function and it is called once,
    after the engine's (or the case's) ``setup``: that first call (with the
    build) is the compile time of a JIT engine and a warm-up for the others,
    and its result is compared with the baseline's (or, at the end, with the
    ``same_as`` engine's).  The engine is then timed by `time_call`, and its
    times multiplied by its ``scale``.  The baseline runs first; the time of
    ``setup`` is not counted.  Between engines the runner sleeps `settle`
    seconds, so that another runtime's spinning worker threads (OpenMP's) go
    idle before the next engine is timed.

    Parameters
    ----------
    case : Case
    timing : dict, optional
        Keyword arguments of `time_call`.
    progress : Progress, optional
        Stepped once per engine that runs (not for skipped ones).
    settle : float, optional
        Pause between engines, in seconds.

    Returns
    -------
    list of Result
        In the order of ``case.engines``.
    """
    timing = timing or {}
    baseline = case.resolve_baseline()
    inputs = case.inputs()
    order = sorted(case.engines, key=lambda e: e.name != baseline)
    kept = {e.same_as for e in case.engines if e.same_as}
    kept |= {e.name for e in case.engines if e.same_as}
    results: dict[str, Result] = {}
    values: dict[str, Any] = {}
    reference = None
    for engine in order:
        result = Result(case.name, engine.name, engine.family,
                        baseline=engine.name == baseline, scale=engine.scale)
        results[engine.name] = result
        if engine.requires:
            module = optional_module(engine.requires)
            if isinstance(module, str):
                result.skipped = f"{engine.requires} {module}"
                continue
        if progress is not None:
            progress.step(f"{case.name}: {engine.name}")
        with polyfast_threads(engine.threads):
            start = time.perf_counter()
            try:
                fn = engine.make(*inputs)
            except ImportError as exc:  # an engine that cannot be built here (no C compiler)
                result.skipped = f"{engine.requires or engine.family} cannot be built: {exc}"
                continue
            build = time.perf_counter() - start
            setup = engine.setup or case.setup
            if setup is not None:
                setup()
            start = time.perf_counter()
            value = fn()
            result.first_call = build + time.perf_counter() - start
            time.sleep(settle)
            measured = time_call(fn, **timing)
        result.timing = Timing(tuple(t * engine.scale for t in measured.samples),
                               measured.number)
        if engine.jit:
            result.compile = result.first_call
        if engine.name == baseline:
            reference = value
        if engine.name in kept:
            values[engine.name] = value
        if engine.check and not engine.same_as:
            result.same = bool(case.same(value, reference))
        del value
    for engine in case.engines:
        if engine.check and engine.same_as and engine.name in values:
            other = values.get(engine.same_as)
            if other is not None:
                results[engine.name].same = bool(case.same(values[engine.name], other))
    base = results[baseline].timing
    for result in results.values():
        if result.timing is not None:
            result.speedup = base.median / result.timing.median
    return [results[engine.name] for engine in case.engines]
