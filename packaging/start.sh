#!/usr/bin/env bash
# Quick start, step one: installs the dependencies, builds, and runs the main job.
# For now that is the CLI generating an image from the reference fixture model
# (../shared/fixtures/sd-tiny); the desktop app on the bundled demo model replaces it
# once both have landed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
model="${PERFUSION_MODEL:-$root/../shared/fixtures/sd-tiny/diffusers}"
out="${PERFUSION_OUT:-$root/build/first-image.png}"
"$root/build/app/perfusion" generate --model "$model" \
  --prompt "a photo of an astronaut riding a horse on mars" --seed 42 --steps 20 --out "$out"
echo "Your image: $out"
