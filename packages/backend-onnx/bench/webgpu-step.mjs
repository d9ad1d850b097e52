/**
 * Benchmark (not a test): the compiled MLP 784-512-512-10 Adam step on ONNX Runtime's WebGPU
 * provider, with the new parameters and optimizer state kept in GPU buffers between steps (the
 * default) and copied to the host after every run (`gpuOutputs: false`), interleaved; beside
 * PyTorch CUDA when a GPU and a CUDA build of torch exist (bench/torch_step.py).
 * `node packages/backend-onnx/bench/webgpu-step.mjs [batch=128] [steps=10] [repeats=2] [--json file]`
 * after building this package and @backprop/optimizers. On lavapipe (CI) the numbers are CPU
 * emulation. PyTorch runs under /usr/bin/python3 (Debian's), or $BACKPROP_PYTHON where torch
 * lives elsewhere (the GPU machine's virtual environment).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as bp from '@backprop/core';
import { adam, useFusedUpdates } from '@backprop/optimizers';
import { onnx } from '../dist/index.js';

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : undefined;
const [batch = 128, steps = 10, repeats = 2] = args.map(Number);
useFusedUpdates(true);

async function stepper(gpuOutputs) {
  const backend = await onnx({ provider: 'webgpu', gpuOutputs });
  await bp.setBackend(backend);
  bp.manualSeed(0);
  const { nn } = bp;
  const model = nn.sequential(nn.dense(784, 512), nn.relu(), nn.dense(512, 512), nn.relu(), nn.dense(512, 10));
  const x = bp.keep(bp.randomUniform([batch, 784]));
  const y = bp.keep(bp.cast(bp.mul(bp.randomUniform([batch]), 10), 'int32'));
  const step = bp.trainStep(model, {
    loss: bp.losses.softmaxCrossEntropy,
    optimizer: adam({ lr: 1e-3 }),
    compile: true,
  });
  const run = async () => {
    await bp.setBackend(backend);
    await step(x, y);
  };
  for (let i = 0; i < 4; i++) await run();
  if (step.mode !== 'graph') throw new Error(`compiled step ran as ${step.mode}: ${step.reason}`);
  return { run, backend };
}

async function median(run) {
  const ts = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await run();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}

const onGpu = await stepper(true);
const onHost = await stepper(false);
console.log(`MLP 784-512-512-10, batch ${batch}, Adam (fused), compiled, onnxruntime-node WebGPU provider`);
console.log('run  load1  state on GPU  state to host  (ms/step)');
const rows = [];
for (let r = 0; r < repeats; r++) {
  const row = { load: loadavg()[0], gpu: await median(onGpu.run), host: await median(onHost.run) };
  rows.push(row);
  console.log(
    `${String(r + 1).padStart(3)} ${row.load.toFixed(2).padStart(6)} ${row.gpu.toFixed(2).padStart(13)} ${row.host.toFixed(2).padStart(14)}`,
  );
}
await onGpu.backend.destroy();
await onHost.backend.destroy();

let torch = { msPerStep: null, device: 'cuda unavailable' };
try {
  const script = fileURLToPath(new URL('./torch_step.py', import.meta.url));
  const out = execFileSync(process.env.BACKPROP_PYTHON ?? '/usr/bin/python3', [script, '2', 'cuda', String(batch)], {
    encoding: 'utf8',
  });
  torch = JSON.parse(out.trim().split('\n').pop());
} catch (e) {
  torch = { msPerStep: null, device: `unavailable: ${e.message.split('\n')[0]}` };
}
const best = Math.min(...rows.map((r) => r.gpu));
console.log(
  torch.msPerStep === null
    ? `pytorch cuda: ${torch.device}`
    : `pytorch ${torch.torch} cuda: ${torch.msPerStep.toFixed(3)} ms/step; webgpu provider / pytorch cuda: ${(best / torch.msPerStep).toFixed(2)}×`,
);
if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ batch, steps, rows, torch }, null, 2)}\n`);
