#!/usr/bin/env bash
# Installs every build and test dependency of Perfusion Studio from Debian 12's archive.
# Non-interactive and idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev libopenblas0-pthread
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6svg6 libgl-dev
  libopencv-dev libsentencepiece-dev nlohmann-json3-dev
  xvfb xauth
  desktop-file-utils appstream
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# LibTorch's matmuls are ~30x slower on Debian's reference BLAS: prefer OpenBLAS (pthread build).
arch_lib="/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
for alt in libblas.so.3 liblapack.so.3; do
  name="${alt}-$(basename "$arch_lib")"
  target="$arch_lib/openblas-pthread/$alt"
  if [ -e "$target" ] && update-alternatives --query "$name" >/dev/null 2>&1; then
    current="$(update-alternatives --query "$name" | awk '/^Value:/{print $2}')"
    if [ "$current" != "$target" ]; then $SUDO update-alternatives --set "$name" "$target"; fi
  fi
done
echo "install-deps: all dependencies present"
