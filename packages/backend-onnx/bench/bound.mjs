/**
 * Benchmark (not a test): a lower bound for bench/step.mjs's compiled step on the CPU provider,
 * from two graphs ONNX Runtime runs on its own, against the limit (the step's eight
 * matmuls at ONNX Runtime's one-node 1024³ MatMul rate):
 * - the **matmul floor**: only the step's matmuls (bench/floor.mjs);
 * - the **update floor**: only the Adam update of the MLP's 669k parameters, as this backend
 *   lowers the fused `adamUpdate` (12 elementwise passes per parameter; ONNX Runtime's CPU
 *   provider runs each pass as its own operator, and the inference build has no Adam operator).
 * A compiled step runs both, so (matmul floor + update floor) / limit bounds compiled / limit from below.
 * `node packages/backend-onnx/bench/bound.mjs [threads=2] [repeats=3]` after building.
 */
import { loadavg } from 'node:os';
import ort from 'onnxruntime-node';
import { GraphBuilder, lowerings } from '../dist/lower/index.js';
import { encodeModel } from '../dist/proto/onnx.js';
import { matmulFlops, matmulSession, medianRunMs, stepMatmuls } from './floor.mjs';

const threads = Number(process.argv[2] ?? 2);
const repeats = Number(process.argv[3] ?? 3);
const SIZES = [784, 512, 512, 10];
const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
const OPTIONS = {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  extra: { session: { intra_op: { allow_spinning: '0' } } },
};

/** The update of every parameter of the MLP: inputs θ, g, m, v, t per parameter; outputs θ′, m′, v′. */
async function updateSession() {
  const shapes = [];
  for (let l = 0; l + 1 < SIZES.length; l++) shapes.push([SIZES[l], SIZES[l + 1]], [SIZES[l + 1]]);
  const b = new GraphBuilder();
  const feeds = {};
  shapes.forEach((shape, j) => {
    const n = shape.reduce((a, d) => a * d, 1);
    const ins = ['p', 'g', 'm', 'v'].map((role) => {
      const name = b.input('float32', shape, `x_${role}${j}`);
      feeds[name] = new ort.Tensor(
        'float32',
        Float32Array.from({ length: n }, (_, i) => ((i % 97) + 1) / 97),
        shape,
      );
      return { name, shape, dtype: 'float32' };
    });
    const t = b.input('int32', [], `x_t${j}`);
    feeds[t] = new ort.Tensor('int32', Int32Array.of(5), []);
    const lr = b.input('float32', [], `x_lr${j}`);
    feeds[lr] = new ort.Tensor('float32', Float32Array.of(ADAM.lr), []);
    // The kernel's inputs [θ, g, m, v, t, γ]: t and γ are tensors, as a compiled step passes them.
    const scalars = [
      { name: t, shape: [], dtype: 'int32' },
      { name: lr, shape: [], dtype: 'float32' },
    ];
    for (const output of [0, 1, 2]) {
      const y = lowerings.adamUpdate(b, [...ins, ...scalars], { ...ADAM, output }, {});
      b.output(y, 'float32', shape, `y${output}_${j}`);
    }
  });
  const session = await ort.InferenceSession.create(encodeModel(b.graph()), OPTIONS);
  return {
    nodes: b.nodes.length,
    time: (reps = 30) => medianRunMs(session, feeds, reps),
  };
}

const mm = stepMatmuls(SIZES, 128);
const floor = await matmulSession(mm, threads, { extra: OPTIONS.extra });
const big = await matmulSession([[1024, 1024, 1024, false, false]], threads, { extra: OPTIONS.extra });
const update = await updateSession();
console.log(`compiled-step lower bound, MLP ${SIZES.join('-')} batch 128, Adam, ${threads} threads (CPU provider)`);
console.log(`update graph: ${update.nodes} nodes before ONNX Runtime's optimizations`);
console.log('run  load1  limit  matmul floor  update floor  bound/limit   (ms)');
for (let r = 0; r < repeats; r++) {
  const gflops = (2 * 1024 ** 3) / (await big.time(10)) / 1e6;
  const limit = matmulFlops(mm) / (gflops * 1e6);
  const f = await floor.time(30);
  const u = await update.time(30);
  console.log(
    `${String(r + 1).padStart(3)} ${loadavg()[0].toFixed(2).padStart(6)} ${limit.toFixed(2).padStart(6)} ${f.toFixed(2).padStart(13)} ${u.toFixed(2).padStart(13)} ${((f + u) / limit).toFixed(2).padStart(11)}×`,
  );
}
