#!/usr/bin/env bash
# Packs what scripts/device-check.sh needs on the device machine into .device/ (ignored), small
# enough for the device tool's 64 MiB carry (47 MB): a Node binary, the Vulkan loader and
# libglvnd (that machine has none of them), the built packages the GPU benchmarks import, vitest
# for backend-webgpu's test suite, and only the linux-x64 files of onnxruntime-node and webgpu
# (Dawn). ../shared/tools/device-pack packs every node_modules of the workspace (~140 MB here:
# tfjs, onnxruntime-web, biome, binaryen for the other benchmarks).
# Usage from the repository root, after `npm run build` (or `node scripts/pnpm.mjs run build`):
#   bash scripts/device-pack.sh
# then the device tool's run with carry [".device"] and the command `bash scripts/device-check.sh`.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
grep -qxF '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
rm -rf .device && mkdir -p .device/debs
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > .device/node.xz
lists=$(mktemp -d) && mkdir -p "$lists/partial"
o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
apt-get $o update -qq >/dev/null 2>&1 || true
# The Vulkan loader, and libglvnd: NVIDIA's Vulkan driver is libGLX_nvidia.so.0, which does not
# load without libGLdispatch (without them Dawn finds no adapter there).
debs="libvulkan1 libglvnd0 libglx0 libgl1 libegl1 libopengl0 libgles2"
# shellcheck disable=SC2086
(cd .device/debs && apt-get $o download $debs >/dev/null 2>&1) || echo "device-pack: some of $debs missing" >&2
rm -rf "$lists"

store=node_modules/.pnpm
paths=()
for p in core backend-cpu optimizers backend-webgpu backend-onnx; do
  paths+=("packages/$p/dist" "packages/$p/node_modules")
done
# The backend-webgpu test suite (conformance included) runs there too: vitest and what it loads.
paths+=(node_modules/vitest packages/conformance/dist packages/conformance/node_modules/@backprop
  packages/conformance/node_modules/vitest packages/testing/dist packages/testing/node_modules)
while read -r d; do paths+=("$d"); done < <(node scripts/store-closure.mjs node_modules/vitest)
for pattern in 'onnxruntime-node@*' 'onnxruntime-common@*' 'webgpu@*' 'debug@*' 'ms@*' 'supports-color@*' 'has-flag@*'; do
  for d in $store/$pattern; do [ -d "$d" ] && paths+=("$d"); done
done
tar -cJf .device/tree.tar.xz \
  --exclude='*/napi-v6/darwin' --exclude='*/napi-v6/win32' --exclude='*/napi-v6/linux/arm64' \
  --exclude='*/webgpu/dist/darwin-*' --exclude='*/webgpu/dist/win32-*' --exclude='*/webgpu/dist/linux-arm64' \
  "${paths[@]}"

cat > .device/setup.sh <<'SETUP'
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p /tmp/node/bin
[ -x /tmp/node/bin/node ] || xz -dc "$here/.device/node.xz" > /tmp/node/bin/node
chmod +x /tmp/node/bin/node
for f in "$here"/.device/debs/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done
ldconfig || true
tar -xJf "$here/.device/tree.tar.xz" -C "$here"
echo "device setup: node $(/tmp/node/bin/node --version); GPU: $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || echo none)"
SETUP
du -sh .device
