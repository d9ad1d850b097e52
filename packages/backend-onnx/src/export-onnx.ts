/** `exportOnnx`: a trained model as a standard ONNX inference model. */
import {
  checkOptionNames,
  dispose,
  formatValue,
  inEvalMode,
  Module,
  optionNames,
  otherCopyHint,
  type Tensor,
  tidy,
  trace,
  ValueError,
  zeros,
} from '@backprop/core';
import { graphModel } from './graph-model.js';

/** Options of {@link exportOnnx}. */
export interface ExportOptions {
  /** The shape of one example, without the batch axis (e.g. [784]). */
  inputShape: readonly number[];
  /**
   * Names of the model's input and output (default "input", "output"): any two different non-empty
   * strings; the model's internal values are named around them.
   */
  inputName?: string;
  outputName?: string;
}

const TRY_BATCHES = [1, 2];

/**
 * Writes `model`'s forward pass in evaluation mode as an ONNX model (opset 18, IR 8) with the
 * weights as initializers, for ONNX Runtime or any other ONNX consumer. Works on any backend:
 * the forward pass is traced by observing its kernels, so every layer built from core's ops
 * exports. The batch axis is symbolic ("batch") when the traced graph does not depend on it
 * (traces at batch 1 and 2 are compared; keep-dims reductions such as LayerNorm's, flattening and
 * feature slices do not depend on it); otherwise, e.g. when the forward broadcasts or fills to a
 * shape holding the batch size, the model has batch 1. Every module's own training flag is put
 * back afterwards, also when the export throws.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { cpu } from '@backprop/backend-cpu';
 * import { exportOnnx } from '@backprop/backend-onnx';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(784, 128), nn.relu(), nn.dense(128, 10));
 * await writeFile('mlp.onnx', await exportOnnx(model, { inputShape: [784] }));
 * ```
 */
export async function exportOnnx(model: Module, options: ExportOptions): Promise<Uint8Array> {
  if (!(model instanceof Module))
    throw new ValueError(
      `exportOnnx: model must be a Module (nn.sequential(...) or a Module subclass), got ${typeof model === 'object' && model !== null ? `an object that is not one (${formatValue(model)})` : formatValue(model)}${otherCopyHint(model, 'Module')}`,
    );
  checkOptionNames(
    'exportOnnx',
    options,
    optionNames<ExportOptions>({ inputShape: true, inputName: true, outputName: true }),
  );
  const { inputShape, inputName = 'input', outputName = 'output' } = options;
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ValueError(
      `exportOnnx: inputShape must be positive integers (one example, no batch axis), got [${String(inputShape)}]`,
    );
  }
  for (const [what, name] of [
    ['inputName', inputName],
    ['outputName', outputName],
  ] as const) {
    if (typeof name !== 'string' || name.length === 0)
      throw new ValueError(`exportOnnx: ${what} must be a non-empty string, got ${formatValue(name)}`);
  }
  if (inputName === outputName)
    throw new ValueError(
      `exportOnnx: inputName and outputName must differ (ONNX names each value once), got ${JSON.stringify(inputName)} for both`,
    );
  // Every module's own training flag comes back afterwards, also when the export throws.
  const models = await inEvalMode(model, () => traceAt(model, inputShape, inputName, outputName));
  const same = models[0].length === models[2].length && models[0].every((v, i) => v === models[2][i]);
  return same ? models[0] : models[1];
}

/**
 * The model traced at each of {@link TRY_BATCHES}, written twice per batch: with a symbolic batch
 * axis, and with the traced one.
 */
async function traceAt(model: Module, inputShape: readonly number[], inputName: string, outputName: string) {
  const models: Uint8Array[] = [];
  for (const n of TRY_BATCHES) {
    const x = zeros([n, ...inputShape]);
    // Core's trace: the weights become the graph's constants (`held` keeps them alive).
    const { graph, held: constants, result, reads } = trace((t: Tensor) => tidy(() => model.forward(t)), [x], []);
    dispose(result);
    if (reads) {
      dispose([x, constants]);
      // A forward that decides from values it reads would be exported with the traced decision frozen in.
      throw new ValueError(
        `exportOnnx: the model cannot be written as one graph: its forward ${reads.replace(/^it /, '')}`,
      );
    }
    try {
      if (graph.outputs.length !== 1) throw new ValueError('exportOnnx: forward must return one Tensor');
      const values = (await Promise.all(constants.map((c) => c.data()))) as (Float32Array | Int32Array | Uint8Array)[];
      const opts = {
        constants: values,
        inputNames: [inputName],
        outputNames: [outputName],
        docString: 'Exported by Backprop (@backprop/backend-onnx)',
      };
      models.push(graphModel(graph, { ...opts, batchParam: 'batch' }), graphModel(graph, opts));
    } finally {
      dispose([x, constants]);
    }
  }
  return models;
}
