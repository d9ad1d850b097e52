/**
 * The matmul floor of bench/step.mjs: ONNX Runtime running a graph of just the MLP step's eight
 * matmuls (forward and weight gradient of each layer, input gradient of all but the first, whose
 * input is data) with the step's shapes, as
 * Gemm nodes with the transpose flags the step's lowering uses; and the one-node MatMul rate at n³.
 */
import ort from 'onnxruntime-node';
import { GraphBuilder } from '../dist/lower/index.js';
import { encodeModel } from '../dist/proto/onnx.js';

/** [m, k, n, transA, transB] of the step's products for layer sizes `sizes` and batch `batch`. */
export function stepMatmuls(sizes, batch) {
  const mm = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [i, o] = [sizes[l], sizes[l + 1]];
    mm.push([batch, i, o, false, false]); // forward x·W
    if (l > 0) mm.push([batch, o, i, false, true]); // input gradient δ·Wᵀ (none for the data)
    mm.push([i, batch, o, true, false]); // weight gradient xᵀ·δ
  }
  return mm;
}

/** FLOPs of `stepMatmuls`. */
export const matmulFlops = (mm) => mm.reduce((s, [m, k, n]) => s + 2 * m * k * n, 0);

function model(mm) {
  const b = new GraphBuilder();
  mm.forEach(([m, k, n, ta, tb], j) => {
    const a = b.input('float32', ta ? [k, m] : [m, k], `a${j}`);
    const w = b.input('float32', tb ? [n, k] : [k, n], `b${j}`);
    const c = b.op('Gemm', [a, w], { transA: { i: ta ? 1 : 0 }, transB: { i: tb ? 1 : 0 } });
    b.nodes.at(-1).outputs = [`c${j}`];
    b.outputs.push({ name: `c${j}`, type: 1, dims: [m, n] });
    void c;
  });
  return encodeModel(b.graph());
}

const filled = (n) => Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);

/** Median ms of `reps` runs of `session` on `feeds`, after `warmup` runs. */
export async function medianRunMs(session, feeds, reps, warmup = 3) {
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    ts.push(performance.now() - t0);
  }
  ts.sort((x, y) => x - y);
  return ts[ts.length >> 1];
}

/** A session running the products; `time(reps)` gives ms per run (median of `reps`). */
export async function matmulSession(mm, threads, extra = {}) {
  const session = await ort.InferenceSession.create(model(mm), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    ...extra,
  });
  const feeds = {};
  mm.forEach(([m, k, n, ta, tb], j) => {
    feeds[`a${j}`] = new ort.Tensor('float32', filled(m * k), ta ? [k, m] : [m, k]);
    feeds[`b${j}`] = new ort.Tensor('float32', filled(k * n), tb ? [n, k] : [k, n]);
  });
  return {
    time: (reps = 20, warmup = 3) => medianRunMs(session, feeds, reps, warmup),
    release: () => session.release(),
  };
}
