#!/usr/bin/env bash
# Quick start, step two: installs the dependencies, builds, and runs the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
cd "${PERFUSION_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${PERFUSION_TEST_JOBS:-2}"
