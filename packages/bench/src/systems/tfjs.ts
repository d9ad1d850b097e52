/** Systems: TensorFlow.js 4.22 (`@tensorflow/tfjs`) on its cpu and wasm backends, the same MLP step through `optimizer.minimize`. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { measureTrainer } from '../measure.js';
import type { OptimizerSpec, System } from '../system.js';
import { timeRuns } from '../timing.js';
import type { MlpWorkload } from '../workload.js';

let wasmPathsSet = false;

/** Switches tfjs to `backend`; the wasm binaries load from the installed package's dist/ folder (no download). */
async function useBackend(backend: 'cpu' | 'wasm'): Promise<void> {
  if (backend === 'wasm' && !wasmPathsSet) {
    const require = createRequire(import.meta.url);
    setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to initialize`);
  await tf.ready();
}

/** Builds the workload's MLP as `tf.sequential` of dense layers with its exact initial values. */
export function buildTfjsMlp(w: MlpWorkload): tf.Sequential {
  const model = tf.sequential();
  w.layers.forEach((_, i) => {
    const last = i === w.layers.length - 1;
    model.add(
      tf.layers.dense({
        units: w.sizes[i + 1],
        inputShape: i === 0 ? [w.sizes[0]] : undefined,
        activation: last ? 'linear' : 'relu',
      }),
    );
  });
  model.setWeights(
    w.layers.flatMap((l, i) => [tf.tensor2d(l.weight, [w.sizes[i], w.sizes[i + 1]]), tf.tensor1d(l.bias)]),
  );
  return model;
}

/** tfjs's optimizer for `spec`, with PyTorch's defaults (tfjs's own Adam epsilon is 1e-7). */
export function tfjsOptimizer({ name, lr }: OptimizerSpec): tf.Optimizer {
  return name === 'adam' ? tf.train.adam(lr, 0.9, 0.999, 1e-8) : tf.train.sgd(lr);
}

/** A TensorFlow.js system on one of its backends. */
export function tfjsSystem(backend: 'cpu' | 'wasm'): System {
  return {
    id: `tfjs-${backend}`,
    // Single-threaded in Node: tfjs-cpu is plain JavaScript; tfjs-wasm's threaded build needs cross-origin isolation.
    label: `tfjs ${tf.version.tfjs} ${backend}, 1 thread (single-threaded in Node)`,
    threads: 1,
    async describe() {
      await useBackend(backend);
      const info: Record<string, string | number | boolean> = { version: tf.version.tfjs, backend };
      if (backend === 'wasm') {
        info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        info.multithreading = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
      }
      return info;
    },
    async mlpStep(w, ctx) {
      return measureTrainer(
        async () => {
          await useBackend(backend);
          const model = buildTfjsMlp(w);
          const optimizer = tfjsOptimizer(ctx.optimizer);
          const step = (index: number): number => {
            const { x: xs, y: ys } = w.batches[index];
            const cost = tf.tidy(() => {
              const x = tf.tensor2d(xs, [w.batchSize, w.sizes[0]]);
              const y = tf.oneHot(tf.tensor1d(ys, 'int32'), w.classes);
              const loss = optimizer.minimize(
                () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
                true,
              );
              return loss ?? tf.scalar(Number.NaN);
            });
            const v = cost.dataSync()[0];
            cost.dispose();
            return v;
          };
          return {
            step,
            async peakBytes(index) {
              const info = await tf.profile(() => {
                step(index);
              });
              return info.peakBytes;
            },
            dispose() {
              optimizer.dispose();
              model.dispose();
            },
            notes: [`tf.train.${ctx.optimizer.name}`],
          };
        },
        w.batches.length,
        ctx,
      );
    },
    async matmul(n, { timing }) {
      await useBackend(backend);
      const a = tf.randomUniform([n, n], 0, 1, 'float32', 1);
      const b = tf.randomUniform([n, n], 0, 1, 'float32', 2);
      try {
        return {
          timing: await timeRuns(() => {
            const c = tf.matMul(a, b);
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
}

/** tfjs on its plain JavaScript cpu backend. */
export const tfjsCpu: System = tfjsSystem('cpu');
/** tfjs on its WebAssembly backend (SIMD when the engine has it; single-threaded in Node). */
export const tfjsWasm: System = tfjsSystem('wasm');
