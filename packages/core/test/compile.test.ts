/** compile(fn): traced graphs replayed on backends without a graph compiler give exactly the eager results. */

import { cpu } from '@backprop/backend-cpu';
import {
  type AdamUpdateAttrs,
  type ArrayDataset,
  adamUpdate,
  BackendError,
  compile,
  dispose,
  fit,
  gather,
  IndexError,
  InPlaceUpdates,
  keep,
  losses,
  memory,
  mul,
  nn,
  scalar,
  setBackend,
  sum,
  type Tensor,
  tensor,
  trace,
  trainStep,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const SGD = PlainSGD;

function data(): ArrayDataset {
  const n = 32;
  return {
    x: new Float32Array(n * 4).map((_, i) => Math.cos(i)),
    xShape: [n, 4],
    y: new Int32Array(n).map((_, i) => i % 3),
    yShape: [n],
  };
}

describe('compile', () => {
  it('replays a pure function as a graph after two matching traces', async () => {
    const f = compile((a: Tensor, b: Tensor) => a.matmul(b).tanh().sum());
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([[0.1], [0.2]]);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await (f(a, b) as Tensor).item());
    expect(f.mode).toBe('graph');
    expect(new Set(results).size).toBe(1);
  });

  it('checks class labels and indices given as arguments on every call, as the eager function does (a replay gave a NaN loss)', async () => {
    const labels = (values: number[]) => tensor(Int32Array.from(values), [values.length], 'int32');
    const logits = tensor([
      [1, 2, 3],
      [3, 2, 1],
    ]);
    const f = compile((z: Tensor, y: Tensor) => losses.softmaxCrossEntropy(z, y));
    for (let i = 0; i < 3; i++) f(logits, labels([0, 2]));
    expect(f.mode).toBe('graph');
    expect(() => f(logits, labels([0, 3]))).toThrow(
      new IndexError(
        'softmaxCrossEntropy',
        3,
        1,
        3,
        'softmaxCrossEntropy: label 3 at position 1 is out of range [0, 3) for 3 classes; labels must be class indices 0…2',
      ),
    );
    expect(() => f(logits, labels([-1, 0]))).toThrow(IndexError);
    const g = compile((x: Tensor, i: Tensor) => gather(x, i));
    for (let i = 0; i < 3; i++) g(tensor([1, 2, 3]), labels([2, 0]));
    expect(g.mode).toBe('graph');
    expect(() => g(tensor([1, 2, 3]), labels([3, 0]))).toThrow(
      /^gather: index 3 at position 0 is out of range \[0, 3\)$/,
    );
    expect(Array.from(await (g(tensor([1, 2, 3]), labels([2, 0])) as Tensor).data())).toEqual([3, 1]);
  });

  it('a compiled trainStep given an out-of-range label throws the IndexError an eager one does, and changes nothing', async () => {
    const model = nn.sequential(nn.dense(4, 3, { seed: 1 }));
    const step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: new SGD(0.1), compile: true });
    const x = tensor([
      [1, 2, 3, 4],
      [0, 1, 0, 1],
    ]);
    const y = (values: number[]) => tensor(Int32Array.from(values), [2], 'int32');
    for (let i = 0; i < 4; i++) await step(x, y([0, 2]));
    expect(step.mode).toBe('graph');
    const before = await Promise.all(model.parameters().map((p) => p.value.data()));
    await expect(step(x, y([0, 3]))).rejects.toThrow(IndexError);
    const after = await Promise.all(model.parameters().map((p) => p.value.data()));
    expect(after).toEqual(before);
    expect(step.state.position.batch).toBe(4);
    await step(x, y([0, 2]));
    expect(step.state.position.batch).toBe(5);
  });

  it('fit with compiled steps ends with exactly the weights of eager steps, without leaks', async () => {
    const run = async (compiled: boolean) => {
      const model = nn.sequential(nn.dense(4, 8, { seed: 1 }), nn.relu(), nn.dense(8, 3, { seed: 2 }));
      const h = await fit(model, data(), {
        loss: losses.softmaxCrossEntropy,
        optimizer: new SGD(0.1),
        batchSize: 8,
        epochs: 3,
        metrics: ['accuracy'],
        verbose: false,
        compile: compiled,
      });
      return {
        weights: await Promise.all(model.parameters().map(async (p) => Array.from(await p.value.data()))),
        history: h.epochs,
        model,
      };
    };
    const before = memory().handles;
    const eager = await run(false);
    eager.model.dispose();
    expect(memory().handles).toBe(before);
    const compiled = await run(true);
    compiled.model.dispose();
    expect(memory().handles).toBe(before);
    expect(compiled.weights).toEqual(eager.weights);
    expect(compiled.history).toEqual(eager.history);
  });

  it('records the fused updates a traced function asks to write in place, with their guard', () => {
    const attrs: AdamUpdateAttrs = {
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0,
      decoupled: false,
      amsgrad: false,
    };
    const lr = keep(scalar(0.1));
    const t = keep(tensor(1, [], 'int32'));
    let state: Tensor[] = [tensor([1, 2]), tensor([0, 0]), tensor([0, 0])].map(keep);
    const held = { read: () => state, write: (v: readonly Tensor[]) => (state = [...v]) };
    const step = (g: Tensor, other: Tensor) => {
      const guard = sum(mul(g, 0));
      const batch = new InPlaceUpdates({ guard });
      const [p, m, v] = adamUpdate(
        { param: state[0], grad: g, expAvg: state[1], expAvgSq: state[2], step: t, lr },
        attrs,
        { inPlace: batch },
      );
      // An update of a tensor that is not state is not recorded.
      const zeros = tensor([0, 0]);
      adamUpdate({ param: other, grad: g, expAvg: zeros, expAvgSq: zeros, step: t, lr }, attrs, { inPlace: batch });
      batch.commit();
      state = [p, m, v].map(keep);
      return guard;
    };
    const { graph, held: constants } = trace(step, [tensor([0.5, -0.5]), tensor([3, 4])], [held]);
    const firstNode = graph.inputs.length + graph.state.length + graph.constants.length;
    expect(graph.inPlace).toHaveLength(1);
    const u = graph.inPlace![0];
    expect(graph.nodes[u.node]).toMatchObject({ kernel: 'adamUpdate', output: 0 });
    expect(u.state).toEqual([0, 1, 2]);
    expect(graph.stateOut.map((r) => r.value)).toEqual([0, 1, 2].map((k) => firstNode + u.node + k));
    expect(u.guard?.value).toBe(graph.outputs[0].value);
    // Without the request, the same update is not marked.
    const plain = trace((g) => sum(g), [tensor([1])], []);
    expect(plain.graph.inPlace).toBeUndefined();
    dispose([...state, ...constants, ...plain.held, lr, t]);
  });

  it("rejects a compiled run that hands back an input's handle (it would be owned twice)", async () => {
    const backend = cpu();
    // A broken graph compiler: its run returns the first input's own handle as the output.
    backend.compileGraph = () => ({ run: (inputs) => ({ outputs: [inputs[0].handle], state: [] }) });
    await setBackend(backend);
    try {
      const f = compile((x: Tensor) => mul(x, 2));
      const x = tensor([1, 2]);
      for (let i = 0; i < 2; i++) (f(x) as Tensor).dispose();
      expect(f.mode).toBe('graph');
      expect(() => f(x)).toThrow(BackendError);
      expect(() => f(x)).toThrow(/returned an input's handle as an output/);
      expect(Array.from(await x.data())).toEqual([1, 2]);
      x.dispose();
    } finally {
      await useCpu();
    }
  });
});
