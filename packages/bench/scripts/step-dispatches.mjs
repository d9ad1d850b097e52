// Benchmark aid (not a test): the kernel dispatches and the loss of one training step per optimizer, fused and
// composed, as JSON. Run it in two checkouts (after `pnpm build`) and diff the outputs: identical dispatch counts and
// bit-identical losses mean a refactor changed neither the work a step does nor its numbers.
// `node packages/bench/scripts/step-dispatches.mjs > a.json`
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { Adagrad, Adam, AdamW, RMSprop, SGD, useFusedUpdates } from '@backprop/optimizers';

await bp.setBackend(cpu());
const { nn } = bp;
const build = () => nn.sequential(nn.dense(784, 64, { seed: 1 }), nn.relu(), nn.dense(64, 10, { seed: 3 }));
const x = bp.keep(bp.randomUniform([16, 784], { seed: 1 }));
const y = bp.keep(bp.cast(bp.mul(bp.randomUniform([16], { seed: 2 }), 10), 'int32'));
const out = {};
for (const [name, make] of Object.entries({
  adam: () => new Adam({ lr: 1e-3 }),
  adamInside: () => new Adam({ lr: 1e-3, epsPlacement: 'inside', amsgrad: true }),
  adamw: () => new AdamW({ lr: 1e-3 }),
  sgdNesterov: () => new SGD({ lr: 1e-2, momentum: 0.9, nesterov: true, weightDecay: 1e-4 }),
  rmspropCentered: () => new RMSprop({ lr: 1e-3, centered: true, momentum: 0.5 }),
  adagrad: () => new Adagrad({ lr: 1e-2 }),
}))
  for (const fused of [true, false]) {
    useFusedUpdates(fused);
    const step = bp.trainStep(build(), { loss: bp.losses.softmaxCrossEntropy, optimizer: make(), compile: false });
    await step(x, y);
    const counts = {};
    const stop = bp.observeKernels((k) => {
      const n = typeof k === 'string' ? k : (k.name ?? k.kernel);
      counts[n] = (counts[n] ?? 0) + 1;
    });
    await step(x, y);
    await step(x, y);
    stop();
    const r = await step(x, y);
    out[`${name}/${fused ? 'fused' : 'composed'}`] = {
      counts: Object.fromEntries(Object.entries(counts).sort()),
      loss: r.loss,
    };
    step.dispose();
  }
console.log(JSON.stringify(out));
