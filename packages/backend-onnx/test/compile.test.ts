/** Graph capture: compiled training steps match eager ones on backend-cpu (replay) and on ONNX Runtime (one run per step). */
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { compile } from '@backprop/core';
import { Adagrad, Adam, AdamW, RMSprop, SGD, useFusedUpdates } from '@backprop/optimizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type OnnxBackend, onnx } from '../src/index.js';
import { rand } from './compare.js';
import { PlainSGD } from './plain-sgd.js';

let ort: OnnxBackend;
beforeAll(async () => {
  ort = await onnx({ provider: 'cpu', threads: 2 });
});
afterAll(async () => {
  await ort.destroy?.();
});

function model() {
  return bp.nn.sequential(bp.nn.dense(6, 8, { seed: 1 }), bp.nn.tanh(), bp.nn.dense(8, 3, { seed: 3 }));
}
const batch = (k: number) => [
  bp.tensor(rand(24, 10 + k), [4, 6]),
  bp.tensor(Int32Array.from([0, 2, 1, (k % 3) as number]), [4], 'int32'),
];

/** Runs `fn` while recording the kernels of every graph ONNX Runtime compiles. */
async function recordingCompiledKernels<T>(fn: () => Promise<T>): Promise<{ result: T; kernels: Set<string> }> {
  const kernels = new Set<string>();
  const original = ort.compileGraph;
  ort.compileGraph = (g) => {
    for (const n of g.nodes) kernels.add(n.kernel);
    return original(g);
  };
  try {
    return { result: await fn(), kernels };
  } finally {
    ort.compileGraph = original;
  }
}

/** Trains for `steps` steps; returns the losses and the final weights. */
async function train(
  backend: bp.Backend,
  { compiled, optimizer, steps = 6 }: { compiled: boolean; optimizer: () => bp.Optimizer; steps?: number },
) {
  await bp.setBackend(backend);
  const m = model();
  const opt = optimizer();
  const step = bp.trainStep(m, { loss: bp.losses.softmaxCrossEntropy, optimizer: opt, compile: compiled });
  const losses: number[] = [];
  for (let k = 0; k < steps; k++) {
    const [x, y] = batch(k);
    losses.push((await step(x, y)).loss);
    bp.dispose([x, y]);
  }
  const weights = await Promise.all(m.parameters().map(async (p) => Array.from(await p.value.data())));
  const mode = step.mode;
  step.dispose();
  m.dispose();
  opt.dispose();
  return { losses, weights, mode, live: bp.liveTensorCount() };
}

const optimizers = {
  sgd: () => new PlainSGD({ lr: 0.3 }),
  // @backprop/optimizers' Adam, composed of core ops here (fused updates off); the fused kernel
  // is tested below.
  'optimizers Adam': () => new Adam({ lr: 0.05, amsgrad: true }),
};

describe('compile', () => {
  let fused = true;
  beforeAll(() => {
    fused = useFusedUpdates(false);
  });
  afterAll(() => {
    useFusedUpdates(fused);
  });
  for (const [name, optimizer] of Object.entries(optimizers)) {
    it(`${name}: compiled steps replay bit for bit on backend-cpu`, async () => {
      const eager = await train(cpu(), { compiled: false, optimizer });
      const compiled = await train(cpu(), { compiled: true, optimizer });
      expect(compiled.mode).toBe('graph');
      expect(compiled.losses).toEqual(eager.losses);
      expect(compiled.weights).toEqual(eager.weights);
    });
    it(`${name}: compiled steps on ONNX Runtime match backend-cpu's eager steps`, async () => {
      const eager = await train(cpu(), { compiled: false, optimizer });
      const runsBefore = ort.stats.runs;
      const compiled = await train(ort, { compiled: true, optimizer, steps: 6 });
      expect(compiled.mode).toBe('graph');
      compiled.losses.forEach((l, i) => expect(l).toBeCloseTo(eager.losses[i], 5));
      compiled.weights.flat().forEach((w, i) => expect(w).toBeCloseTo(eager.weights.flat()[i], 5));
      expect(ort.stats.runs - runsBefore).toBeLessThan(20);
    });
  }

  for (const [name, [kernel, optimizer]] of Object.entries({
    'Adam amsgrad': ['adamUpdate', () => new Adam({ lr: 0.05, amsgrad: true, weightDecay: 0.01 })],
    AdamW: ['adamUpdate', () => new AdamW({ lr: 0.05, weightDecay: 0.1 })],
    'RMSprop centered, momentum': [
      'rmspropUpdate',
      () => new RMSprop({ lr: 0.01, centered: true, momentum: 0.5, weightDecay: 0.01 }),
    ],
    Adagrad: ['rmspropUpdate', () => new Adagrad({ lr: 0.1, initialAccumulatorValue: 0.1 })],
  } as Record<string, [string, () => bp.Optimizer]>)) {
    it(`${name} with the fused ${kernel} (step count as a tensor input): the compiled graph uses the lowering`, async () => {
      useFusedUpdates(true);
      try {
        const eager = await train(cpu(), { compiled: false, optimizer }); // backend-cpu's fused kernel
        const { result: compiled, kernels } = await recordingCompiledKernels(() =>
          train(ort, { compiled: true, optimizer }),
        );
        expect(compiled.mode).toBe('graph');
        expect(kernels.has(kernel)).toBe(true);
        compiled.losses.forEach((l, i) => expect(l).toBeCloseTo(eager.losses[i], 5));
        compiled.weights.flat().forEach((w, i) => expect(w).toBeCloseTo(eager.weights.flat()[i], 5));
        const lazy = await train(ort, { compiled: false, optimizer }); // the lazy graph's adamUpdate nodes
        lazy.weights.flat().forEach((w, i) => expect(w).toBeCloseTo(eager.weights.flat()[i], 5));
      } finally {
        useFusedUpdates(false);
      }
    });
  }

  it('reshaped inputs and parameters (views with other dims underneath) feed a compiled step with the shape it declares', async () => {
    // x arrives flat and is viewed as [4, 6]; after two steps the first weight is replaced by a
    // view of a flat tensor computed from it. Compiled runs fed the values' own dims before, and
    // ONNX Runtime refused every replayed step ("Invalid rank for input").
    const reshapedRun = async (backend: bp.Backend, compiled: boolean) => {
      await bp.setBackend(backend);
      const m = model();
      const step = bp.trainStep(m, {
        loss: bp.losses.softmaxCrossEntropy,
        optimizer: new SGD({ lr: 0.2 }),
        compile: compiled,
      });
      const losses: number[] = [];
      for (let k = 0; k < 6; k++) {
        const [x, y] = batch(k);
        const flat = bp.reshape(x, [24]);
        const xs = bp.reshape(bp.add(flat, 0), [4, 6]);
        if (k === 2) {
          const w = m.parameters()[0];
          w.assign(bp.reshape(bp.mul(bp.reshape(w.value, [48]), 0.5), [6, 8]));
        }
        losses.push((await step(xs, y)).loss);
        bp.dispose([x, y, flat, xs]);
      }
      const weights = await Promise.all(m.parameters().map(async (p) => Array.from(await p.value.data())));
      const mode = step.mode;
      step.dispose();
      m.dispose();
      return { losses, weights, mode };
    };
    const eager = await reshapedRun(cpu(), false);
    const onOrt = await reshapedRun(ort, true);
    expect(onOrt.mode).toBe('graph');
    onOrt.losses.forEach((l, i) => expect(l).toBeCloseTo(eager.losses[i], 5));
    onOrt.weights.flat().forEach((w, i) => expect(w).toBeCloseTo(eager.weights.flat()[i], 5));
  });

  it('a captured view (a weight reshaped outside the function) is fed with its own shape on every call', async () => {
    await bp.setBackend(ort);
    // Pending when captured (so not baked into the model), and large enough not to be baked later.
    const small = bp.reshape(bp.mul(bp.tensor([1, 2, 3, 4]), 1), [2, 2]);
    const large = bp.reshape(bp.add(bp.tensor(rand(8192, 5)), 0), [128, 64]);
    const f = compile((x: bp.Tensor) => [
      bp.matmul(x, small),
      bp.matmul(bp.reshape(x, [1, 2]), bp.slice(large, [0, 0], [2, 64])),
    ]);
    const x = bp.tensor([1, 1], [1, 2]);
    const expected = [
      Array.from(await bp.matmul(x, small).data()),
      Array.from(await bp.matmul(x, bp.slice(large, [0, 0], [2, 64])).data()),
    ];
    for (let call = 0; call < 4; call++) {
      const ys = f(x) as bp.Tensor[];
      // Calls 2 and 3 run the graph; they failed with "Invalid rank for input: k0".
      expect([Array.from(await ys[0].data()), Array.from(await ys[1].data())]).toEqual(expected);
      bp.dispose(ys);
    }
    expect(f.mode).toBe('graph');
    f.invalidate();
    bp.dispose([small, large, x]);
  });

  it('a gradient whose values are finite but whose sum overflows float32 is accepted, compiled and eager', async () => {
    // loss = Σ x·W + b with x = 5e36 in 128 columns: each weight's gradient is 5e36, their sum 6.4e38
    // overflows float32 (the finiteness check's quick sum is not finite), yet every value is finite.
    const was = useFusedUpdates(true);
    try {
      const run = async (backend: bp.Backend, compiled: boolean) => {
        await bp.setBackend(backend);
        const m = bp.nn.dense(128, 1, { seed: 5 });
        const opt = new SGD({ lr: 2e-38 });
        const step = bp.trainStep(m, { loss: (p: bp.Tensor) => bp.sum(p), optimizer: opt, compile: compiled });
        const x = bp.full([1, 128], 5e36);
        const y = bp.tensor(Int32Array.from([0]), [1], 'int32');
        const initial = Array.from(await m.parameters()[0].value.data());
        const losses: number[] = [];
        for (let k = 0; k < 3; k++) losses.push((await step(x, y)).loss);
        const weights = Array.from(await m.parameters()[0].value.data());
        const mode = step.mode;
        bp.dispose([x, y]);
        step.dispose();
        m.dispose();
        opt.dispose();
        return { initial, losses, weights, mode };
      };
      const reference = await run(cpu(), false);
      for (const compiled of [true, false]) {
        const got = await run(ort, compiled);
        if (compiled) expect(got.mode).toBe('graph');
        got.losses.forEach((l, i) => expect(l / reference.losses[i]).toBeCloseTo(1, 5));
        got.weights.forEach((w, i) => expect(w).toBeCloseTo(reference.weights[i], 5));
      }
      // Three steps of 2e-38 · 5e36 = 0.1 each moved every weight.
      reference.weights.forEach((w, i) => expect(w).toBeCloseTo(reference.initial[i] - 0.3, 5));
    } finally {
      useFusedUpdates(was);
    }
  });

  it("the lecture's δ inside the root is composed, not fused, and compiles to the same weights", async () => {
    useFusedUpdates(true);
    try {
      const optimizer = () => new AdamW({ lr: 0.05, weightDecay: 0.1, epsPlacement: 'inside' });
      const eager = await train(cpu(), { compiled: false, optimizer });
      const { result: compiled, kernels } = await recordingCompiledKernels(() =>
        train(ort, { compiled: true, optimizer }),
      );
      expect(compiled.mode).toBe('graph');
      expect(kernels.has('adamUpdate')).toBe(false);
      compiled.weights.flat().forEach((w, i) => expect(w).toBeCloseTo(eager.weights.flat()[i], 5));
    } finally {
      useFusedUpdates(false);
    }
  });

  it('a compiled step on ONNX Runtime given an out-of-range label throws the eager IndexError, not an ONNX Runtime error, and changes nothing', async () => {
    await bp.setBackend(ort);
    const m = model();
    const step = bp.trainStep(m, {
      loss: bp.losses.softmaxCrossEntropy,
      optimizer: new PlainSGD({ lr: 0.1 }),
      compile: true,
    });
    for (let k = 0; k < 4; k++) {
      const [x, y] = batch(0);
      await step(x, y);
    }
    expect(step.mode).toBe('graph');
    const before = await Promise.all(m.parameters().map((p) => p.value.data()));
    const [x] = batch(0);
    const bad = bp.tensor(Int32Array.from([0, 2, 1, 3]), [4], 'int32');
    await expect(step(x, bad)).rejects.toThrow(
      /^softmaxCrossEntropy: label 3 at position 3 is out of range \[0, 3\) for 3 classes/,
    );
    await expect(step(x, bad)).rejects.toBeInstanceOf(bp.IndexError);
    expect(await Promise.all(m.parameters().map((p) => p.value.data()))).toEqual(before);
    const [x2, y2] = batch(0);
    expect(Number.isFinite((await step(x2, y2)).loss)).toBe(true);
  });

  it('a step whose host numbers change every call runs eagerly, with the reason', async () => {
    await bp.setBackend(cpu());
    let k = 0;
    const f = compile((x: bp.Tensor) => bp.mul(x, ++k));
    const x = bp.tensor([1, 2]);
    const outs: number[][] = [];
    for (let i = 0; i < 5; i++) outs.push(Array.from(await f(x).data()));
    expect(f.mode).toBe('eager');
    expect(f.reason).toMatch(/changed/);
    expect(outs[4]).toEqual([5, 10]);
  });

  it('new input shapes trace again; outputs may be arrays; no tensors leak', async () => {
    await bp.setBackend(ort);
    const w = bp.keep(bp.tensor([1, 2, 3]));
    const f = compile((x: bp.Tensor) => bp.tidy(() => [bp.sum(bp.mul(x, w)), bp.exp(x)]));
    const before = bp.liveTensorCount();
    for (const n of [2, 2, 2, 4, 4, 4]) {
      const x = bp.tensor(rand(3 * n, n), [n, 3]);
      const [s, e] = f(x);
      const want = bp.tidy(() => [bp.sum(bp.mul(x, w)), bp.exp(x)]);
      expect(Array.from(await s.data())[0]).toBeCloseTo(Array.from(await want[0].data())[0], 5);
      expect(Array.from(await e.data())).toEqual(Array.from(await want[1].data()));
      bp.dispose([x, s, e, want]);
    }
    expect(f.mode).toBe('graph');
    f.invalidate();
    expect(bp.liveTensorCount()).toBe(before);
    w.dispose();
  });
});

// WebGPU provider (lavapipe in CI): a compiled step's new state stays in GPU buffers.
const webgpu = await onnx({ provider: 'webgpu' }).then(
  async (b) => {
    await b.destroy?.();
    return true;
  },
  () => false,
);
describe.runIf(webgpu)('compile on the WebGPU provider', () => {
  /** Where each parameter's value lives after `steps` compiled steps, and the trained weights. */
  async function trainOnWebgpu(gpuOutputs: boolean) {
    const backend = await onnx({ provider: 'webgpu', gpuOutputs });
    const fused = useFusedUpdates(true);
    try {
      await bp.setBackend(backend);
      const m = model();
      const step = bp.trainStep(m, {
        loss: bp.losses.softmaxCrossEntropy,
        optimizer: new Adam({ lr: 0.05 }),
        compile: true,
      });
      const losses: number[] = [];
      for (let k = 0; k < 5; k++) {
        const [x, y] = batch(k);
        losses.push((await step(x, y)).loss);
        bp.dispose([x, y]);
      }
      await backend.flush();
      const handle = (t: bp.Tensor) => backend.own('test', t.ref.handle as never);
      const locations = m.parameters().map((p) => handle(p.value).value?.location);
      const weights = await Promise.all(m.parameters().map(async (p) => Array.from(await p.value.data())));
      const mode = step.mode;
      step.dispose();
      m.dispose();
      return { losses, weights, locations, mode };
    } finally {
      useFusedUpdates(fused);
      await backend.destroy?.();
    }
  }

  it('parameters and optimizer state stay on the GPU between steps; reading them copies them out', async () => {
    const fused = useFusedUpdates(true);
    const eager = await train(cpu(), { compiled: false, optimizer: () => new Adam({ lr: 0.05 }), steps: 5 });
    useFusedUpdates(fused);
    const onGpu = await trainOnWebgpu(true);
    expect(onGpu.mode).toBe('graph');
    expect(onGpu.locations.every((l) => l === 'gpu-buffer')).toBe(true);
    onGpu.losses.forEach((l, i) => expect(l).toBeCloseTo(eager.losses[i], 4));
    onGpu.weights.flat().forEach((w, i) => expect(w).toBeCloseTo(eager.weights.flat()[i], 4));
    const onHost = await trainOnWebgpu(false);
    expect(onHost.locations.every((l) => l === 'cpu')).toBe(true);
    expect(onHost.weights).toEqual(onGpu.weights);
  });
});
