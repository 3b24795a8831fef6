#!/usr/bin/env bash
# Configures and builds Perfusion Studio into build/ (Release, Ninja, ccache when present).
# Extra arguments go to CMake, e.g. -DPERFUSION_WITH_QT=OFF.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PERFUSION_BUILD_DIR:-$root/build}"
jobs="${PERFUSION_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build" -j "$jobs"
