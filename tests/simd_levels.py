"""The SIMD levels a build of polyfast has, lowest first, by architecture.

The C side lists them once (src/runtime/simd_levels.h); the tests follow the
machine they run on: AVX2 and AVX-512 on x86-64, NEON on arm64.
"""

from __future__ import annotations

import platform

_MACHINE = platform.machine().lower()

if _MACHINE in ("x86_64", "amd64"):
    SIMD_LEVELS: tuple[str, ...] = ("scalar", "avx2", "avx512")
elif _MACHINE in ("aarch64", "arm64"):
    SIMD_LEVELS = ("scalar", "neon")
else:
    SIMD_LEVELS = ("scalar",)

# Level names of the other architectures: unknown to this build.
FOREIGN_LEVELS: tuple[str, ...] = tuple(
    name for name in ("avx2", "avx512", "neon") if name not in SIMD_LEVELS
)
