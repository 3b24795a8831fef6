#!/usr/bin/env bash
# Quick start, step one: installs the dependencies, builds, and starts the desktop app on the
# bundled demo model (resources/demo-model). Without a display (no DISPLAY or WAYLAND_DISPLAY)
# it generates one picture with the CLI instead and says where it is.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  exec "$root/build/app/perfusion-studio" "$@"
fi
out="${PERFUSION_OUT:-$root/build/first-image.png}"
"$root/build/app/perfusion" generate --prompt "a large red striped star on the left, on a green background" \
  --steps 25 --seed 42 --out "$out"
echo "No display found, so the app was not started. Your first image from the demo model: $out"
