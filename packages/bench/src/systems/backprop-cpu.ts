/** System: Backprop's core on `@backprop/backend-cpu`, trained through `valueAndGrad` and an `Optimizer`. */
import { cpu } from '@backprop/backend-cpu';
import {
  type Backend,
  getBackend,
  losses,
  matmul,
  memory,
  nn,
  randomUniform,
  setBackend,
  tensor,
  tidy,
  valueAndGrad,
} from '@backprop/core';
import { measureTrainer } from '../measure.js';
import { createOptimizer } from '../optimizer-choice.js';
import type { System } from '../system.js';
import { timeRuns } from '../timing.js';
import type { MlpWorkload } from '../workload.js';

/** Builds the workload's MLP (dense, relu, ..., dense) with its exact initial values. */
export function buildMlp(w: MlpWorkload): nn.Sequential {
  // tidy: frees the discarded initial values and the initializers' intermediates.
  return tidy(() => {
    const layers: nn.Module[] = [];
    w.layers.forEach((l, i) => {
      const dense = nn.dense(w.sizes[i], w.sizes[i + 1]);
      dense.weight.assign(tensor(l.weight, [w.sizes[i], w.sizes[i + 1]]));
      dense.bias?.assign(tensor(l.bias, [w.sizes[i + 1]]));
      layers.push(dense);
      if (i < w.layers.length - 1) layers.push(nn.relu());
    });
    return nn.sequential(...layers);
  });
}

/** What the bench uses of a cpu backend beyond the contract (present in newer backend-cpu versions). */
type CpuLike = Backend & { ready?(): Promise<void>; destroy?(): void; paths?: { simd: boolean; threads: number } };

/**
 * A Backprop core + backend-cpu system with `cpu(options)`. A fresh backend per measurement keeps
 * the memory accounting clean; it is destroyed afterwards (its worker threads end).
 */
export function backpropCpuSystem({
  id,
  label,
  options,
}: {
  id: string;
  label: string;
  options?: Parameters<typeof cpu>[0];
}): System {
  const start = async (): Promise<CpuLike> => {
    const backend = cpu(options) as CpuLike;
    await backend.ready?.();
    await setBackend(backend);
    return backend;
  };
  return {
    id,
    label,
    async describe() {
      const backend = await start();
      backend.destroy?.();
      return { backend: backend.name, simd: backend.paths?.simd ?? false, threads: backend.paths?.threads ?? 1 };
    },
    async mlpStep(w, ctx) {
      let backend: CpuLike | undefined;
      return measureTrainer(
        async () => {
          backend = await start();
          const model = buildMlp(w);
          const params = model.parameters();
          const { optimizer, source } = await createOptimizer(ctx.optimizer);
          const inputs = w.batches.map((b) => ({ x: b.x, y: b.y }));
          const step = (index: number): number => {
            const { x: xs, y: ys } = inputs[index];
            const loss = tidy(() => {
              const x = tensor(xs, [w.batchSize, w.sizes[0]]);
              const y = tensor(ys, [w.batchSize], 'int32');
              const { value, grads } = valueAndGrad(() => losses.softmaxCrossEntropy(model.forward(x), y))(
                ...params.map((p) => p.value),
              );
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
              backend?.destroy?.();
            },
            notes: [source],
          };
        },
        w.batches.length,
        ctx,
      );
    },
    async matmul(n, { timing }) {
      const backend = await start();
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
        backend.destroy?.();
      }
    },
  };
}

/** backend-cpu with its defaults (WebAssembly SIMD and every core where available): the baseline of every ratio. */
export const backpropCpu: System = backpropCpuSystem({ id: 'backprop-cpu', label: 'backprop backend-cpu' });
/** backend-cpu on the calling thread only, for a like-for-like comparison with single-threaded tfjs-wasm. */
export const backpropCpu1t: System = backpropCpuSystem({
  id: 'backprop-cpu-1t',
  label: 'backprop backend-cpu, 1 thread',
  options: { threads: 1 },
});
