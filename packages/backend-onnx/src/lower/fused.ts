/** Optional kernels ONNX Runtime runs well: softmax, log-softmax, softmax cross-entropy, dense and ReLU. */
import { type Lowering, select } from './lowering.js';

const dense: Lowering = (b, [x, w, bias]) => b.op('Gemm', [x.name, w.name, bias.name]);

/** −log softmax(logits)[label] per row. */
const softmaxCrossEntropy: Lowering = (b, [logits, labels]) => {
  const logp = b.op('LogSoftmax', [logits.name], { axis: { i: -1 } });
  const idx = b.op('Unsqueeze', [labels.name, b.ints([1])]);
  const picked = b.op('GatherElements', [logp, idx], { axis: { i: 1 } });
  return b.op('Neg', [b.op('Squeeze', [picked, b.ints([1])])]);
};

/**
 * ReLU as core's select, not ONNX Relu (which does not say what −0 and NaN give): 0 where x ≤ 0,
 * x elsewhere, so −0 gives +0 and NaN stays NaN.
 */
const relu: Lowering = (b, [x]) =>
  select(b, b.op('LessOrEqual', [x.name, b.scalar(0, 'float32')]), b.scalar(0, 'float32'), x.name);

/** ReLU's gradient as core's select: dy where x > 0, +0 elsewhere (NaN x too). */
const reluGrad: Lowering = (b, [x, dy]) =>
  select(b, b.op('Greater', [x.name, b.scalar(0, 'float32')]), dy.name, b.scalar(0, 'float32'));

/** Optional-kernel lowerings by kernel name. */
export const fused: Record<string, Lowering> = {
  softmax: (b, [x]) => b.op('Softmax', [x.name], { axis: { i: -1 } }),
  logSoftmax: (b, [x]) => b.op('LogSoftmax', [x.name], { axis: { i: -1 } }),
  softmaxCrossEntropy,
  dense,
  relu,
  reluGrad,
};
