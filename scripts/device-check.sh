#!/usr/bin/env bash
# Every GPU measurement and check in one call on the device machine (an NVIDIA H100 or H200), for a
# session that is lent one. Here, first: `npm run build` (or `node scripts/pnpm.mjs run build`),
# then `bash scripts/device-pack.sh`. Then the device tool's `run` with carry [".device"],
# timeout_s 480 and the command `bash scripts/device-check.sh`. Each stage has its own time limit
# (about 7 minutes in all); everything it prints is also in $OUT/device-check.log, and the
# benchmarks' JSON beside it.
set -u
out=${OUT:-/tmp/device-check}
mkdir -p "$out"
exec > >(tee "$out/device-check.log") 2>&1
bash .device/setup.sh && export PATH=/tmp/node/bin:$PATH
# That machine's Vulkan driver is NVIDIA's, outside the loader's default search path.
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES=$icd
# PyTorch there is in a virtual environment, not Debian's /usr/bin/python3.
BACKPROP_PYTHON=$(command -v python3) && export BACKPROP_PYTHON
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader || true
stage() { echo; echo "== $1 ($(date -u +%T))"; }

stage 'backend-webgpu: matmul 1024/2048/4096³ and skinny shapes, MLP Adam step at batch 128 and 1024'
# Targets: 15 TFLOP/s at 4096³, ≤ 3.2 ms per batch-128 step, ≥ 25% of PyTorch CUDA at batch 1024.
timeout 150 node packages/backend-webgpu/scripts/device-bench.mjs --json "$out/webgpu.json"

stage 'backend-webgpu: recording cost alone (a tiny MLP, loss read every step), bind group cache off / on'
for cache in 0 4096 0 4096; do
  (cd packages/backend-webgpu && READ=1 CACHE=$cache timeout 30 node scripts/record-probe.mjs 5 2>&1 | grep -v '^Warning')
done

stage 'backend-onnx: compiled step on ONNX Runtime WebGPU, state on the GPU vs copied, beside PyTorch CUDA'
for batch in 128 1024; do
  timeout 75 node packages/backend-onnx/bench/webgpu-step.mjs "$batch" 20 2 --json "$out/onnx-webgpu-$batch.json" 2>&1 |
    grep -v '^Warning'
done

stage 'backend-webgpu test suite on the GPU (the shared conformance suite, kernels, update rules)'
(cd packages/backend-webgpu && NO_COLOR=1 timeout 170 node ../../node_modules/vitest/vitest.mjs run 2>&1 |
  grep -vE '^\s*$|^Warning' | tail -80)
stage done
