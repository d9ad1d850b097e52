/** System: Backprop's core on `@backprop/backend-cpu`, trained through `valueAndGrad` and an `Optimizer`. */
import { cpu } from '@backprop/backend-cpu';
import { getBackend, losses, matmul, memory, nn, randomUniform, setBackend, tensor, tidy, valueAndGrad } from '@backprop/core';
import { measureTrainer } from '../measure.js';
import { createOptimizer } from '../optimizer-choice.js';
import type { System } from '../system.js';
import { timeRuns } from '../timing.js';
import type { MlpWorkload } from '../workload.js';

/** Builds the workload's MLP (dense, relu, ..., dense) with its exact initial values. */
export function buildMlp(w: MlpWorkload): nn.Sequential {
  const layers: nn.Module[] = [];
  w.layers.forEach((l, i) => {
    const dense = nn.dense(w.sizes[i], w.sizes[i + 1]);
    dense.weight.assign(tensor(l.weight, [w.sizes[i], w.sizes[i + 1]]));
    dense.bias?.assign(tensor(l.bias, [w.sizes[i + 1]]));
    layers.push(dense);
    if (i < w.layers.length - 1) layers.push(nn.relu());
  });
  return nn.sequential(...layers);
}

/** Backprop core + backend-cpu. A fresh backend per measurement keeps the memory accounting clean. */
export const backpropCpu: System = {
  id: 'backprop-cpu',
  label: 'backprop backend-cpu',
  async describe() {
    return { backend: 'cpu', threads: 1 };
  },
  async mlpStep(w, ctx) {
    return measureTrainer(
      async () => {
        await setBackend(cpu());
        const model = buildMlp(w);
        const params = model.parameters();
        const { optimizer, source } = await createOptimizer(ctx.optimizer);
        const inputs = w.batches.map((b) => ({ x: b.x, y: b.y }));
        const step = (index: number): number => {
          const { x: xs, y: ys } = inputs[index];
          const loss = tidy(() => {
            const x = tensor(xs, [w.batchSize, w.sizes[0]]);
            const y = tensor(ys, [w.batchSize], 'int32');
            const { value, grads } = valueAndGrad(() => losses.softmaxCrossEntropy(model.forward(x), y))(...params.map((p) => p.value));
            optimizer.step(params, grads);
            return value;
          });
          const v = loss.dataSync()[0];
          loss.dispose();
          return v;
        };
        return {
          step,
          async peakBytes(index) {
            getBackend().resetPeak?.();
            step(index);
            return memory().peakBytes;
          },
          dispose() {
            optimizer.dispose();
            for (const p of params) p.dispose();
          },
          notes: [source],
        };
      },
      w.batches.length,
      ctx,
    );
  },
  async matmul(n, { timing }) {
    await setBackend(cpu());
    const a = randomUniform([n, n], { seed: 1 });
    const b = randomUniform([n, n], { seed: 2 });
    try {
      return {
        timing: await timeRuns(() => {
          const c = matmul(a, b);
          c.dataSync();
          c.dispose();
        }, timing),
      };
    } finally {
      a.dispose();
      b.dispose();
    }
  },
};
