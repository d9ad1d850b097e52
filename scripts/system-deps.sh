#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing (root with apt only):
# Mesa's software Vulkan from bookworm-backports (Dawn rejects bookworm's Mesa 22) for the WebGPU
# and ONNX Runtime WebGPU tests, Chromium for the playground's browser tests, Fashion-MNIST, and
# PostgreSQL for @backprop/tuning's distributed-search tests (they start their own server from its
# binaries under /usr/lib/postgresql/<version>/bin; the packaged cluster is not used).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: not root or no apt-get; install mesa-vulkan-drivers (bookworm-backports), libvulkan1, chromium, dataset-fashion-mnist, postgresql yourself" >&2
  exit 0
fi

mesa=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
missing=""
case "$mesa" in 2[5-9].*|[3-9][0-9].*) ;; *) missing="$missing mesa" ;; esac
for p in libvulkan1 chromium dataset-fashion-mnist postgresql; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "system-deps: installing$missing" >&2
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/bookworm-backports.list
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1 > /dev/null
apt-get install -y -qq --no-install-recommends chromium dataset-fashion-mnist postgresql > /dev/null
