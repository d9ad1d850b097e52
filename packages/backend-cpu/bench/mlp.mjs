// Times one training step (forward, backward, Adam) of an MLP 784-512-512-10 at batch 128 on each
// code path of the cpu backend (build first: node scripts/pnpm.mjs --filter @backprop/backend-cpu build).
// Adam is @backprop/optimizers' (which uses the fused adamUpdate kernel) when that package is built next
// door, else PyTorch's update composed of core ops.
import * as core from '@backprop/core';
import { cpu } from '../dist/index.js';

const { nn, losses, tidy, keep, dispose, valueAndGrad } = core;
const paths = [
  ['scalar', { simd: false, threads: 1 }],
  ['simd, 1 thread', { simd: true, threads: 1 }],
  ['simd, 2 threads', { simd: true, threads: 2 }],
];
const only = process.argv[2];
const optimizers = await import('../../optimizers/dist/index.js').catch(() => undefined);
console.log(`Adam: ${optimizers ? '@backprop/optimizers (fused adamUpdate)' : 'composed of core ops'}`);
for (const [name, options] of paths) {
  if (only && !name.startsWith(only)) continue;
  const backend = cpu(options);
  await core.setBackend(backend);
  await backend.ready();
  const model = nn.sequential(nn.dense(784, 512), nn.relu(), nn.dense(512, 512), nn.relu(), nn.dense(512, 10));
  const params = model.parameters();
  const x = core.randomUniform([128, 784]);
  const y = core.tensor(
    Int32Array.from({ length: 128 }, (_, i) => i % 10),
    [128],
    'int32',
  );
  const m = params.map((p) => keep(core.zeros(p.value.shape)));
  const v = params.map((p) => keep(core.zeros(p.value.shape)));
  const [lr, b1, b2, eps] = [1e-3, 0.9, 0.999, 1e-8];
  let t = 0;
  const adam = optimizers ? new optimizers.Adam({ lr: 1e-3 }) : undefined;
  const step = () => {
    t++;
    const { value, grads } = tidy(() =>
      valueAndGrad(() => losses.softmaxCrossEntropy(model.forward(x), y))(...params.map((p) => p.value)),
    );
    if (adam) tidy(() => adam.step(params, grads));
    else
      tidy(() => {
        params.forEach((p, i) => {
          const g = grads[i];
          const mi = core.add(core.mul(m[i], b1), core.mul(g, 1 - b1));
          const vi = core.add(core.mul(v[i], b2), core.mul(core.square(g), 1 - b2));
          const denom = core.add(core.div(core.sqrt(vi), Math.sqrt(1 - b2 ** t)), eps);
          p.assign(core.sub(p.value, core.mul(core.div(mi, denom), lr / (1 - b1 ** t))));
          dispose([m[i], v[i]]);
          m[i] = keep(mi);
          v[i] = keep(vi);
        });
      });
    const loss = value.dataSync()[0];
    dispose([value, ...grads]);
    return loss;
  };
  for (let i = 0; i < 3; i++) step();
  const reps = name === 'scalar' ? 5 : 30;
  const start = performance.now();
  let loss = 0;
  for (let i = 0; i < reps; i++) loss = step();
  const ms = (performance.now() - start) / reps;
  console.log(
    `MLP 784-512-512-10 batch 128 Adam, ${name}: ${ms.toFixed(1)} ms/step (${((128 * 1000) / ms).toFixed(0)} samples/s, loss ${loss.toFixed(3)})`,
  );
  adam?.dispose();
  dispose([x, y, ...m, ...v]);
  model.dispose();
  backend.destroy();
}
