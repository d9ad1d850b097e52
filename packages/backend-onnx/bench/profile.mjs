/**
 * Profile (not a test) of bench/step.mjs's compiled step with ONNX Runtime's own profiler:
 * kernel time per operator type and per output size class, the slowest nodes with their output
 * shapes, and the node count of the step's model.
 * `node packages/backend-onnx/bench/profile.mjs [threads]` (after building); the raw profile is
 * written to the system's temporary folder. Timings include the profiler's own overhead per node.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '@backprop/core';
import { adam } from '@backprop/optimizers';
import { onnx } from '../dist/index.js';

const threads = Number(process.argv[2] ?? 2);
const RUNS = 40;
const backend = await bp.setBackend(onnx({ provider: 'cpu', threads }));
// Keep the sessions the backend creates, to end their profiles.
const sessions = [];
const mod = backend.runtime.ort;
backend.runtime.ort = {
  ...mod,
  Tensor: mod.Tensor,
  InferenceSession: {
    create: async (...a) => {
      const s = await mod.InferenceSession.create(...a);
      sessions.push(s);
      return s;
    },
  },
};
bp.manualSeed(0);
const { nn } = bp;
const model = nn.sequential(nn.dense(784, 512), nn.relu(), nn.dense(512, 512), nn.relu(), nn.dense(512, 10));
const x = bp.keep(bp.randomUniform([128, 784]));
const y = bp.keep(bp.cast(bp.mul(bp.randomUniform([128]), 10), 'int32'));
const step = bp.trainStep(model, {
  loss: bp.losses.softmaxCrossEntropy,
  optimizer: adam({ lr: 1e-3 }),
  compile: true,
});
for (let i = 0; i < 2; i++) {
  await step(x, y);
}
// The compiled session is created on the third call: profile it.
Object.assign(backend.runtime.options, { enableProfiling: true, profileFilePrefix: join(tmpdir(), 'backprop-step') });
for (let i = 0; i < RUNS; i++) {
  await step(x, y);
}
if (step.mode !== 'graph') throw new Error(`compiled step ran as ${step.mode}: ${step.reason}`);
for (const s of sessions) s.endProfiling();
await backend.destroy();

// The newest profile file is the compiled session's.
const file = readdirSync(tmpdir())
  .filter((f) => f.startsWith('backprop-step') && f.endsWith('.json'))
  .map((f) => join(tmpdir(), f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
  .find((f) => statSync(f).size > 0);
const events = JSON.parse(readFileSync(file, 'utf8'));
const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
const n = runs.length;
const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
const byOp = new Map();
const bySize = new Map();
const bump = (m, k, dur) => {
  const v = m.get(k) ?? [0, 0];
  m.set(k, [v[0] + dur, v[1] + 1]);
};
for (const e of kernels) {
  const op = e.args.op_name;
  const dims = Object.values(e.args.output_type_shape?.[0] ?? {})[0] ?? [];
  const size = dims.reduce((a, d) => a * d, 1);
  bump(byOp, op, e.dur);
  bump(
    bySize,
    op === 'Gemm' ? 'Gemm' : size >= 1e5 ? '≥ 100k elements' : size >= 1e3 ? '≥ 1k elements' : '< 1k elements',
    e.dur,
  );
}
const ms = (us) => (us / n / 1000).toFixed(3).padStart(8);
console.log(`profile ${file}`);
console.log(`model_run: ${ms(runs.reduce((a, e) => a + e.dur, 0))} ms per run, ${kernels.length / n} nodes per run`);
for (const [k, [t, c]] of [...bySize].sort((a, b) => b[1][0] - a[1][0]))
  console.log(`${k.padEnd(16)} ${ms(t)} ms ${c / n} nodes`);
for (const [k, [t, c]] of [...byOp].sort((a, b) => b[1][0] - a[1][0]))
  console.log(`  ${k.padEnd(14)} ${ms(t)} ms ${c / n} nodes`);
// The slowest nodes, each with its output's shape.
const byNode = new Map();
for (const e of kernels) {
  const shape = (Object.values(e.args.output_type_shape?.[0] ?? {})[0] ?? []).join('×') || 'scalar';
  bump(byNode, `${e.name.replace(/_kernel_time$/, '')} → ${shape}`, e.dur);
}
console.log('slowest nodes:');
for (const [k, [t]] of [...byNode].sort((a, b) => b[1][0] - a[1][0]).slice(0, 12)) console.log(`  ${ms(t)} ms ${k}`);
