"""Compare two builds of polyfast's Mandelbrot code in one process.

    python benchmarks/compare_mandelbrot_builds.py OLD_CORE_SO
    THREADS=1 ROUNDS=3 POLYFAST_SIMD=avx2 python benchmarks/compare_mandelbrot_builds.py ...
    THREADS=1 CLOCK=thread ROUNDS=5 python benchmarks/compare_mandelbrot_builds.py ...

OLD_CORE_SO is the ``_core*.so`` of another build (say, the installed
polyfast/ folder of the commit before a change, copied aside); it is loaded
next to the installed polyfast, each with its own thread pool.  Printed: the
notebook's NumPy make_fractal, the old build's kernel used the way the old
make_fractal used it (grid built in blocks of rows, then the shift), the new
make_fractal, and the deep zoom (old ufunc, new ufunc, new mandelbrot_grid):
min of ROUNDS rounds of several runs each, ratios within this one run.
"""
import importlib.util, os, sys, time
import numpy as np
import polyfast
from polyfast.bench import baselines
from polyfast.notebook import make_fractal
spec = importlib.util.spec_from_file_location("pfbase._core", sys.argv[1])
base = importlib.util.module_from_spec(spec); spec.loader.exec_module(base)
T = int(os.environ.get("THREADS", "2"))
polyfast.set_num_threads(T); base.set_num_threads(T)

def old_make_fractal(size, iterations):  # notebook._counts before issue 13, on the old kernel
    nx, ny = size; x = np.linspace(-2, 2, nx); y = np.linspace(-2, 2, ny)
    counts = np.empty((ny, nx), np.int64); rows = max(1, min(ny, (1 << 18) // max(nx, 1)))
    c = np.empty((rows, nx), np.complex128)
    for start in range(0, ny, rows):
        stop = min(start + rows, ny); block = counts[start:stop]; cb = c[: stop - start]
        cb.real[...] = x; cb.imag[...] = y[start:stop, None]
        base.mandelbrot(cb, iterations + 1, out=block)
        np.subtract(block, 2, out=block); np.maximum(block, 0, out=block)
    return counts

# CLOCK=thread: the calling thread's CPU time (THREADS=1 only: the pool's
# helpers are not counted), less disturbed by other processes on a shared
# machine than the wall clock.
clock = time.thread_time if os.environ.get("CLOCK") == "thread" else time.perf_counter
assert clock is time.perf_counter or T == 1, "CLOCK=thread needs THREADS=1"

def best(fn, reps):
    fn(); ts = []
    for _ in range(reps):
        t = clock(); fn(); ts.append(clock() - t)
    return min(ts)

rounds = int(os.environ.get("ROUNDS", "3"))
print(f"polyfast SIMD {polyfast.get_simd_level()}, {T} threads, clock {clock.__name__}, load before %.2f %.2f %.2f" % os.getloadavg())
for size, it, reps, reps_np in [((500, 500), 50, 20, 3), ((2000, 2000), 200, 4, 1)]:
    args = (size, it)
    with np.errstate(all="ignore"):
        ref = baselines.make_fractal(*args)
    assert np.array_equal(make_fractal(*args), ref) and np.array_equal(old_make_fractal(*args), ref)
    r = {}
    for _ in range(rounds):
        with np.errstate(all="ignore"):
            r["numpy"] = min(r.get("numpy", 1e9), best(lambda: baselines.make_fractal(*args), reps_np))
        r["old"] = min(r.get("old", 1e9), best(lambda: old_make_fractal(*args), reps))
        r["new"] = min(r.get("new", 1e9), best(lambda: make_fractal(*args), reps))
    print(f"make_fractal {size[0]}x{size[1]}x{it}: numpy {r['numpy']*1e3:.1f} ms, old {r['old']*1e3:.2f} ms "
          f"({r['numpy']/r['old']:.0f}x numpy), new {r['new']*1e3:.2f} ms ({r['numpy']/r['new']:.0f}x numpy, "
          f"{r['old']/r['new']:.2f}x old)")
w = 1e-5; cx, cy = -0.7436439, 0.1318259
x = np.linspace(cx - w/2, cx + w/2, 1000); y = np.linspace(cy - w/2, cy + w/2, 1000)
c = x[None, :] + 1j * y[:, None]; out = np.empty(c.shape, np.int64)
assert np.array_equal(base.mandelbrot(c, 5000), polyfast.mandelbrot_grid(x, y, 5000))
r = {}
for _ in range(rounds):
    r["old ufunc"] = min(r.get("old ufunc", 1e9), best(lambda: base.mandelbrot(c, 5000, out=out), 3))
    r["new ufunc"] = min(r.get("new ufunc", 1e9), best(lambda: polyfast.mandelbrot(c, 5000, out=out), 3))
    r["new grid"] = min(r.get("new grid", 1e9), best(lambda: polyfast.mandelbrot_grid(x, y, 5000, out=out), 3))
print("deep zoom 1000x1000x5000: " + ", ".join(f"{k} {v*1e3:.1f} ms" for k, v in r.items())
      + f" | new ufunc {r['old ufunc']/r['new ufunc']:.2f}x old, new grid {r['old ufunc']/r['new grid']:.2f}x old")
print("load after %.2f %.2f %.2f" % os.getloadavg())
