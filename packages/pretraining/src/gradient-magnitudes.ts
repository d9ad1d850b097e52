/** Per-layer gradient magnitudes of a model on a probe batch, and a callback that records them early in training. */
import {
  type ArrayDataset,
  type Callback,
  checkOptionNames,
  dispose,
  type Loss,
  losses,
  type Module,
  optionNames,
  tensor,
  tidy,
  valueAndGrad,
} from '@backprop/core';
import { nonNegativeInt, optionalFunction, positiveInt } from './validate.js';

/** Gradient statistics of one weight matrix. */
export interface LayerGradient {
  /** The parameter's dotted path, e.g. `0.weight`. */
  name: string;
  /** Mean |∂J/∂W| over the matrix's entries. */
  meanAbs: number;
  /** Frobenius norm ‖∂J/∂W‖. */
  norm: number;
}

/** Options of {@link layerGradients}. */
export interface LayerGradientsOptions {
  /** The loss J differentiated (default `losses.softmaxCrossEntropy`). */
  loss?: Loss;
}

const LAYER_GRADIENTS_OPTIONS = optionNames<LayerGradientsOptions>({ loss: true });

/** Options of {@link gradientMagnitudes}. */
export interface GradientMagnitudesOptions extends LayerGradientsOptions {
  /** Record after each of the first `batches` batches (an integer ≥ 0; default 50). */
  batches?: number;
  /** Record every `every`-th of those batches (a positive integer; default 1). */
  every?: number;
}

const GRADIENT_MAGNITUDES_OPTIONS = optionNames<GradientMagnitudesOptions>({ loss: true, batches: true, every: true });

/**
 * ∂J/∂W for every weight matrix (rank-2 parameter) of `model` on the batch (x, y), in
 * declaration order — the first entry is the lowest layer. The model's parameters are unchanged.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 * import { spirals } from '@backprop/datasets';
 * import { layerGradients } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 16), nn.sigmoid(), nn.dense(16, 16), nn.sigmoid(), nn.dense(16, 3));
 * for (const { name, meanAbs } of await layerGradients(model, spirals({ n: 60 }))) console.log(name, meanAbs); // lower layers: smaller
 * ```
 */
export async function layerGradients(
  model: Module,
  probe: ArrayDataset,
  options: LayerGradientsOptions = {},
): Promise<LayerGradient[]> {
  checkOptionNames('layerGradients', options, LAYER_GRADIENTS_OPTIONS);
  const { loss = losses.softmaxCrossEntropy } = options;
  optionalFunction('layerGradients', 'loss', loss, '(prediction, target) => Tensor');
  const named = model.namedParameters().filter(([, p]) => p.shape.length === 2);
  const stats = tidy(() => {
    const x = tensor(probe.x, probe.xShape, 'float32');
    const y = tensor(probe.y, probe.yShape, probe.y instanceof Int32Array ? 'int32' : 'float32');
    const { value, grads } = valueAndGrad(() => loss(model.forward(x), y))(...named.map(([, p]) => p.value));
    value.dispose();
    return grads.map((g) => [g.abs().mean(), g.square().sum().sqrt()]);
  });
  const out: LayerGradient[] = [];
  for (let i = 0; i < named.length; i++) {
    const [m, n] = await Promise.all(stats[i].map((t) => t.data()));
    out.push({ name: named[i][0], meanAbs: m[0], norm: n[0] });
  }
  dispose(stats);
  return out;
}

/** One recording of {@link gradientMagnitudes}. */
export interface GradientRecord {
  /** Batches trained before this recording (0 = at initialisation). */
  step: number;
  layers: LayerGradient[];
}

/**
 * A core Callback for `fit` that records {@link layerGradients} on a fixed probe batch at the
 * start of training and after each of the first `batches` batches (`fit` does not hand its
 * gradients to callbacks, so the probe batch is differentiated again). Read `records` after fit.
 * Used to show the lecture's claim that without pretraining the gradient is diluted in the lower layers.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend } from '@backprop/core';
 * import { spirals } from '@backprop/datasets';
 * import { sgd } from '@backprop/optimizers';
 * import { gradientMagnitudes } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 16), nn.sigmoid(), nn.dense(16, 3));
 * const probe = gradientMagnitudes(spirals({ n: 30 }), { batches: 20 });
 * await fit(model, spirals({ n: 300 }), { loss: losses.softmaxCrossEntropy, optimizer: sgd({ lr: 0.1 }), epochs: 3, callbacks: [probe], verbose: false });
 * console.log(probe.records.length); // 21: at initialisation, then after each of the first 20 batches
 * ```
 */
export function gradientMagnitudes(
  probe: ArrayDataset,
  options: GradientMagnitudesOptions = {},
): Callback & {
  records: GradientRecord[];
} {
  // Checked here, not when fit first calls back: every: 0 recorded only the initial entry.
  checkOptionNames('gradientMagnitudes', options, GRADIENT_MAGNITUDES_OPTIONS);
  const { batches = 50, every = 1, loss } = options;
  nonNegativeInt('gradientMagnitudes', 'batches', batches);
  positiveInt('gradientMagnitudes', 'every', every);
  optionalFunction('gradientMagnitudes', 'loss', loss, '(prediction, target) => Tensor');
  const records: GradientRecord[] = [];
  let step = 0;
  const record = async (model: Module) => {
    records.push({ step, layers: await layerGradients(model, probe, { loss }) });
  };
  return {
    records,
    onTrainBegin: async (ctx) => {
      if (records.length === 0) await record(ctx.model);
    },
    onBatchEnd: async (_batch, _logs, ctx) => {
      step++;
      if (step <= batches && step % every === 0) await record(ctx.model);
    },
  };
}
