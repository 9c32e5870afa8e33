"""threadpoolctl support: polyfast's thread pool as a threadpoolctl controller.

With threadpoolctl (>= 3.0) installed, ``threadpoolctl.threadpool_info()``
lists polyfast's pool (``user_api="polyfast"``, ``internal_api="polyfast"``)
and ``threadpoolctl.threadpool_limits(1)`` limits it, as it does for OpenBLAS
and OpenMP, so libraries that guard against oversubscription that way (joblib,
scikit-learn, dask workers) also guard polyfast.

Registration is automatic and never imports threadpoolctl by itself:

* if threadpoolctl is already imported when polyfast is, the controller is
  registered at once;
* otherwise a small finder on ``sys.meta_path`` waits for the first
  ``import threadpoolctl`` and registers the controller right after that
  module has run (then removes itself).  ``import polyfast`` does not look
  for threadpoolctl on disk, so it costs nothing when threadpoolctl is absent.

`register` may also be called by hand (it is idempotent); it returns False
when threadpoolctl cannot be imported or is older than 3.0.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType
from typing import Any

__all__ = ["register"]

_lock = threading.Lock()
_registered = False

# Exported by polyfast/_core*.so (src/module/module.c) for this controller only.
_GET = "polyfast_threadpool_get_num_threads"
_SET = "polyfast_threadpool_set_num_threads"


def _controller_class(threadpoolctl: ModuleType) -> type:
    import ctypes

    class PolyfastController(threadpoolctl.LibController):  # type: ignore[misc,name-defined]
        """polyfast's pool: polyfast/_core.cpython-*.so, found by file name."""

        user_api = "polyfast"
        internal_api = "polyfast"
        filename_prefixes = ("_core.",)
        # Other packages ship a "_core" extension too: only a library exporting
        # this symbol is polyfast's (threadpoolctl >= 3.2 checks it).
        check_symbols = (_GET, _SET)

        def _fn(self, name: str) -> Any:
            fn = getattr(self.dynlib, name, None)
            if fn is not None:
                fn.restype = ctypes.c_int
                fn.argtypes = [ctypes.c_int] if name == _SET else []
            return fn

        def get_num_threads(self) -> int | None:
            fn = self._fn(_GET)
            return int(fn()) if fn is not None else None

        def set_num_threads(self, num_threads: int) -> None:
            fn = self._fn(_SET)
            if fn is not None:
                fn(int(num_threads))

        def get_version(self) -> str | None:
            if getattr(self, "dynlib", None) is None or self._fn(_GET) is None:
                return None
            import polyfast

            return polyfast.__version__

    return PolyfastController


def register() -> bool:
    """Register polyfast's controller with threadpoolctl (idempotent).

    Returns True when the controller is (now or already) registered, False
    when threadpoolctl is not installed or has no ``register`` (< 3.0).
    """
    global _registered
    with _lock:
        if _registered:
            return True
        try:
            import threadpoolctl  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            return False
        if not hasattr(threadpoolctl, "register") or not hasattr(threadpoolctl, "LibController"):
            return False
        threadpoolctl.register(_controller_class(threadpoolctl))
        _registered = True
        return True


class _RegisterOnImport:
    """Registers the controller right after ``threadpoolctl`` is first imported.

    A meta path finder needs only ``find_spec``; not deriving from
    ``importlib.abc.MetaPathFinder`` keeps ``import polyfast`` from importing
    ``importlib.abc`` (and with it pathlib, tempfile, urllib, ...).
    """

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "threadpoolctl":
            return None
        _remove_hook()  # fires once; also keeps find_spec below from recursing
        import importlib.util

        spec = importlib.util.find_spec(fullname)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original_exec = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original_exec(module)
            try:
                register()
            except Exception:  # noqa: BLE001 - never break the user's import
                pass

        loader.exec_module = exec_module  # this spec's own loader instance
        return spec


_hook = _RegisterOnImport()


def _remove_hook() -> None:
    try:
        sys.meta_path.remove(_hook)
    except ValueError:
        pass


def _install() -> None:
    """Called by ``import polyfast``: register now, or when threadpoolctl arrives."""
    if "threadpoolctl" in sys.modules:
        register()
    elif _hook not in sys.meta_path:
        sys.meta_path.insert(0, _hook)
