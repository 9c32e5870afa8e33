"""A short tour of every public function: the valgrind stage's workload.

Small inputs, a few threads, the error paths and a fork, so memcheck sees the
ufunc loops (serial and threaded), the gufunc core-dimension code, the ragged
bump finder, norm_pdf, the Metropolis chain (legacy state, Generator,
RandomState), the thread pool and the Python wrappers in a few seconds.

Every ufunc of the module is enumerated first: its entry of
tests/public_api.py (generated from the ufunc object, plus its hand-written
extras) gives valid calls for each loop (0-d, strided, broadcast, out=), the
bad calls (but the huge-size ones), which must raise what they accept, and
the threaded `work` call.  The specific calls below follow.
"""

import builtins
import contextlib
import io
import os
import sys
import warnings

import numpy as np

import polyfast
from polyfast.notebook import make_fractal, make_fractal_nb

polyfast.set_num_threads(2)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "tests"))
from public_api import BY_NAME, HUGE, UFUNCS, namespace  # noqa: E402


def tour(name):
    entry, ns = BY_NAME[name], namespace()
    for call in entry.good:
        eval(call, ns)
    for call, accepted in entry.bad:
        if accepted == HUGE:
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                eval(call, ns)
        except tuple(getattr(builtins, n) for n in accepted):
            pass
        else:
            assert not accepted, f"{call}: no error"
    eval(entry.work, ns)


with np.errstate(all="ignore"), warnings.catch_warnings():
    warnings.simplefilter("ignore")  # non-finite operands overflow; where= without out=
    for name in UFUNCS:
        tour(name)
print(f"generic tour of {len(UFUNCS)} ufuncs ok")

rng = np.random.default_rng(0)
x = rng.normal(size=70_000)  # above poly8's parallel threshold
assert np.allclose(polyfast.poly8(x[:100]), sum(x[:100] ** k for k in range(1, 9)))
polyfast.poly8(x)
polyfast.poly8(x.astype(np.float32)[::-3])
polyfast.poly8(x[:1000].astype(np.complex128) * 0.5j)
polyfast.polyval(x, [1.0, 2.0, 3.0])
polyfast.polyval(x[:10], np.empty(0))
z = np.linspace(-2, 1, 64)[None, :] + 1j * np.linspace(-1.5, 1.5, 64)[:, None]
polyfast.mandelbrot(z, 30)
polyfast.mandelbrot(z.astype(np.complex64), 30)
t = np.where(rng.random((300, 300)) < 0.3, rng.random((300, 300)) * 3, 0.0)
loc, count = polyfast.find_bumps(t, 0.5, 1.0, 2)
rows = polyfast.pv_locations(t, 0.5, 1.0, 2)
values, offsets = polyfast.pv_locations_ragged(t.astype(np.float32), 0.5, 1.0, 2)
assert [len(r) for r in rows] == count.tolist() == np.diff(offsets).tolist()
polyfast.pv_locations(t[0], 0.5, 1.0, 2)
make_fractal((40, 30), 20)
pdf = polyfast.norm_pdf(0.3, 1.5, x)  # threaded
assert np.allclose(pdf[:100], np.exp(-((x[:100] - 0.3) / 1.5) ** 2 / 2) / np.sqrt(2 * np.pi) / 1.5)
polyfast.norm_pdf(x[:999:3].astype(np.float32), np.float32(2), x[:333].astype(np.float32))
assert np.isnan(polyfast.norm_pdf(0.0, np.array([0.0, -1.0, np.nan]), 1.0)).all()
data = rng.normal(0.4, 1.0, 20)
np.random.seed(3)
np.random.standard_normal()  # a cached Gaussian for the legacy path to carry
chain = polyfast.sampler(data, 500, mu_init=1.0)
assert chain.shape == (501,) and len(np.unique(chain)) > 1
polyfast.sampler(data, 500, rng=np.random.default_rng(1))
polyfast.sampler(data[::-2].tolist(), 200, rng=np.random.RandomState(1))
polyfast.sampler(rng.normal(0.3, 1.0, 70_000), 300, proposal_width=0.01, rng=rng)
make_fractal_nb((40, 30), 20)
for bad in (lambda: polyfast.pv_locations(None, 0.5, 1.0, 2),
            lambda: polyfast.find_bumps(np.ones(5), 0.5, 1.0, 1,
                                        out=(np.empty(2), np.empty((), np.int64))),
            lambda: polyfast.set_num_threads(0),
            lambda: make_fractal((5,), 10),
            lambda: polyfast.norm_pdf(0.0, 1.0, np.ones(3), out=np.ones(4)),
            lambda: polyfast.sampler(np.array([1.0, np.nan])),
            lambda: polyfast.sampler(data, samples=-1),
            lambda: polyfast.sampler(data, rng=1)):
    try:
        bad()
    except (TypeError, ValueError):
        pass
    else:
        raise AssertionError("no error")
polyfast.show_config()
pid = os.fork()
if pid == 0:
    polyfast.poly8(x)
    polyfast.sampler(data, 100, rng=np.random.default_rng(2))
    os._exit(0)
assert os.waitpid(pid, 0)[1] == 0
print("smoke ok")
