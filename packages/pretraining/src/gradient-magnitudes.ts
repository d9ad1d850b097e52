/** Per-layer gradient magnitudes of a model on a probe batch, and a callback that records them early in training. */
import {
  type ArrayDataset,
  type Callback,
  dispose,
  type Loss,
  losses,
  type Module,
  tensor,
  tidy,
  valueAndGrad,
} from '@backprop/core';

/** Gradient statistics of one weight matrix. */
export interface LayerGradient {
  /** The parameter's dotted path, e.g. `0.weight`. */
  name: string;
  /** Mean |∂J/∂W| over the matrix's entries. */
  meanAbs: number;
  /** Frobenius norm ‖∂J/∂W‖. */
  norm: number;
}

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
  { loss = losses.softmaxCrossEntropy }: { loss?: Loss } = {},
): Promise<LayerGradient[]> {
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
  { batches = 50, every = 1, loss }: { batches?: number; every?: number; loss?: Loss } = {},
): Callback & {
  records: GradientRecord[];
} {
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
