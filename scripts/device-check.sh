#!/usr/bin/env bash
# The GPU measurements of issues 6 and 7 in one call on the device machine (H100), for a
# session that is lent one. Here, first: `npm run build` (or `node scripts/pnpm.mjs run build`),
# then `bash scripts/device-pack.sh` (41 MB; the shared device-pack packs ~140 MB, over the
# 64 MiB limit). Then the device tool's `run` with carry [".device"],
# timeout_s 420 and the command `bash scripts/device-check.sh`. Results come back in $OUT.
set -u
bash .device/setup.sh && export PATH=/tmp/node/bin:$PATH
out=${OUT:-/tmp/device-check}
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
# backend-webgpu: matmul 1024/2048/4096³ (15 TFLOP/s target at 4096³), the MLP step at batch 128
# (within 2× of PyTorch CUDA's 1.6 ms) and 1024 (≥ 25% of its throughput).
timeout 240 node packages/backend-webgpu/scripts/device-bench.mjs --json "$out/webgpu.json" 2>&1 | tail -30
# backend-onnx: the compiled step on ONNX Runtime's WebGPU provider, state on the GPU vs copied
# to the host, beside PyTorch CUDA where that machine has a CUDA build of torch.
for batch in 128 1024; do
  timeout 90 node packages/backend-onnx/bench/webgpu-step.mjs "$batch" 20 2 --json "$out/onnx-webgpu-$batch.json" 2>&1 |
    grep -v '^Warning' | tail -8
done
