/** The shared Backprop system: core on any backend, its MLP step (eager or compiled), matmul and step memory. */
import {
  type Backend,
  getBackend,
  losses,
  matmul,
  measureTrainingStep,
  memory,
  nn,
  randomUniform,
  setBackend,
  tensor,
  tidy,
  trainStep,
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

/** A backend with the optional teardown every Backprop backend here has (cpu: sync; onnx, webgpu: async). */
export type OwnedBackend = Backend & { destroy?(): void | Promise<void> };

/** Options of {@link backpropSystem}. */
export interface BackpropSystemOptions {
  id: string;
  label: string;
  /** Creates a fresh backend (a new one per measurement keeps the memory accounting clean). */
  create: () => Promise<OwnedBackend>;
  /** Train with `trainStep(…, { compile: true })` (one compiled graph per step) instead of eager steps. */
  compiled?: boolean;
  /** Whether the system has `matmul` and `stepMemory` (a second system on the same backend need not repeat them). */
  matmul?: boolean;
  stepMemory?: boolean;
}

/**
 * A Backprop core system on the backend `create` makes. One step is `fit`'s own step,
 * `await trainStep(model, { loss: softmaxCrossEntropy, optimizer, compile })(x, y)` (forward,
 * backward, the finiteness check and the update), the inputs made inside the step.
 */
export function backpropSystem({
  id,
  label,
  create,
  compiled = false,
  matmul: hasMatmul = true,
  stepMemory: hasStepMemory = true,
}: BackpropSystemOptions): System {
  const start = async (): Promise<OwnedBackend> => {
    const backend = await create();
    await setBackend(backend);
    return backend;
  };
  const system: System = {
    id,
    label,
    async mlpStep(w, ctx) {
      let backend: OwnedBackend | undefined;
      return measureTrainer(
        async () => {
          backend = await start();
          const model = buildMlp(w);
          const params = model.parameters();
          const { optimizer, source } = createOptimizer(ctx.optimizer);
          const train = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer, compile: compiled });
          const step = async (index: number): Promise<number> => {
            const { x: xs, y: ys } = w.batches[index];
            const x = tensor(xs, [w.batchSize, w.sizes[0]]);
            const y = tensor(ys, [w.batchSize], 'int32');
            try {
              return (await train(x, y)).loss;
            } finally {
              x.dispose();
              y.dispose();
            }
          };
          return {
            step,
            async peakBytes(index) {
              getBackend().resetPeak?.();
              await step(index);
              return memory().peakBytes;
            },
            async dispose() {
              train.dispose();
              optimizer.dispose();
              for (const p of params) p.dispose();
              await backend?.destroy?.();
            },
            // Read after timing, so the compiled step's mode is final.
            get notes() {
              if (!compiled) return [source];
              return [source, `trainStep: ${train.mode}${train.reason ? ` (${train.reason})` : ''}`];
            },
          };
        },
        w.batches.length,
        ctx,
      );
    },
  };
  if (hasMatmul) {
    system.matmul = async (n, { timing }) => {
      const backend = await start();
      const a = randomUniform([n, n], { seed: 1 });
      const b = randomUniform([n, n], { seed: 2 });
      try {
        return {
          timing: await timeRuns(async () => {
            const c = matmul(a, b);
            await c.data();
            c.dispose();
          }, timing),
        };
      } finally {
        a.dispose();
        b.dispose();
        await backend.destroy?.();
      }
    };
  }
  if (hasStepMemory) {
    system.stepMemory = async (w, ctx) => {
      const backend = await start();
      const model = buildMlp(w);
      const { optimizer } = createOptimizer(ctx.optimizer);
      try {
        const options = {
          batchSize: w.batchSize,
          loss: losses.softmaxCrossEntropy,
          optimizer,
          optimizerSlots: ctx.optimizer.name === 'adam' ? 2 : 0,
        };
        await measureTrainingStep(model, options); // the first step creates the optimizer's state
        const m = await measureTrainingStep(model, options);
        return {
          backend: backend.name,
          estimate: m.estimate.bytes,
          bytesBefore: m.bytesBefore,
          stepBytes: m.measuredStepBytes,
        };
      } finally {
        optimizer.dispose();
        for (const p of model.parameters()) p.dispose();
        await backend.destroy?.();
      }
    };
  }
  return system;
}
