/** Optional kernels ONNX Runtime runs well: softmax, log-softmax, softmax cross-entropy and dense. */
import type { Lowering } from './lowering.js';

const dense: Lowering = (b, [x, w, bias]) => b.op('Gemm', [x.name, w.name, bias.name]);

/** −log softmax(logits)[label] per row. */
const softmaxCrossEntropy: Lowering = (b, [logits, labels]) => {
  const logp = b.op('LogSoftmax', [logits.name], { axis: { i: -1 } });
  const idx = b.op('Unsqueeze', [labels.name, b.ints([1])]);
  const picked = b.op('GatherElements', [logp, idx], { axis: { i: 1 } });
  return b.op('Neg', [b.op('Squeeze', [picked, b.ints([1])])]);
};

/** Optional-kernel lowerings by kernel name. */
export const fused: Record<string, Lowering> = {
  softmax: (b, [x]) => b.op('Softmax', [x.name], { axis: { i: -1 } }),
  logSoftmax: (b, [x]) => b.op('LogSoftmax', [x.name], { axis: { i: -1 } }),
  softmaxCrossEntropy,
  dense,
};
