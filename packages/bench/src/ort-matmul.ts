/**
 * ONNX Runtime's own matmul rate: a one-node `MatMul` ONNX model (written here, no Backprop
 * involved) run by onnxruntime-node's CPU provider. Shared with packages/backend-onnx/bench/step.mjs.
 */
import ort from 'onnxruntime-node';
import { median } from './timing.js';
import { squareMatmulGflops } from './workload.js';

const varint = (v: number): number[] => {
  const out: number[] = [];
  for (; v > 127; v = Math.floor(v / 128)) out.push((v % 128) | 128);
  out.push(v);
  return out;
};
const int = (field: number, v: number) => [...varint(field << 3), ...varint(v)];
const bytes = (field: number, b: readonly number[]) => [...varint((field << 3) | 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, [...new TextEncoder().encode(s)]);

/** ValueInfoProto of a float32 tensor: name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1. */
const floatValue = (name: string, dims: readonly number[]) => [
  ...str(1, name),
  ...bytes(
    2,
    bytes(1, [
      ...int(1, 1),
      ...bytes(
        2,
        dims.flatMap((d) => bytes(1, int(1, d))),
      ),
    ]),
  ),
];

/**
 * The ONNX model `c = MatMul(a, b)` for float32 a [m, k], b [k, n] (IR 8, opset 18), as bytes:
 * ModelProto { ir_version 1, graph 7 { node 1, name 2, input 11, output 12 }, opset_import 8 }.
 */
export function matmulModel(m: number, k: number, n: number): Uint8Array {
  const node = [...str(1, 'a'), ...str(1, 'b'), ...str(2, 'c'), ...str(4, 'MatMul')];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'matmul'),
    ...bytes(11, floatValue('a', [m, k])),
    ...bytes(11, floatValue('b', [k, n])),
    ...bytes(12, floatValue('c', [m, n])),
  ];
  return Uint8Array.from([...int(1, 8), ...bytes(7, graph), ...bytes(8, int(2, 18))]);
}

/** Options of {@link ortMatmulGflops}. */
export interface OrtMatmulOptions {
  /** Square size (default 1024). */
  n?: number;
  /** `intraOpNumThreads` (default 2). */
  threads?: number;
  /** Untimed runs first (default 3). */
  warmup?: number;
  /** Timed runs (default 20). */
  reps?: number;
}

/** GFLOP/s (2n³ / median time) of ONNX Runtime's CPU MatMul on constant n×n inputs, read back each run. */
export async function ortMatmulGflops({
  n = 1024,
  threads = 2,
  warmup = 3,
  reps = 20,
}: OrtMatmulOptions = {}): Promise<{
  gflops: number;
  ms: number;
}> {
  const session = await ort.InferenceSession.create(matmulModel(n, n, n), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  try {
    const feeds = {
      a: new ort.Tensor('float32', new Float32Array(n * n).fill(0.5), [n, n]),
      b: new ort.Tensor('float32', new Float32Array(n * n).fill(0.25), [n, n]),
    };
    for (let i = 0; i < warmup; i++) await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    return { gflops: squareMatmulGflops(n, ms), ms };
  } finally {
    await session.release();
  }
}
