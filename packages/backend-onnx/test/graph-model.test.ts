/** graphModel: nodes nothing reads are left out, outputs are not copied, known constants are stored. */
import type { Graph } from '@backprop/core';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { graphModel } from '../src/index.js';

const f = (shape: number[]) => ({ shape, dtype: 'float32' as const });
// inputs: x [3]; constants: c [] (value 10); nodes: exp(x) (read by nothing), neg(x), neg(x) · c.
const graph = {
  inputs: [f([3])],
  state: [],
  constants: [{ ...f([]), handle: {} }],
  nodes: [
    { kernel: 'exp', attrs: {}, inputs: [{ value: 0, shape: [3] }], ...f([3]) },
    { kernel: 'neg', attrs: {}, inputs: [{ value: 0, shape: [3] }], ...f([3]) },
    {
      kernel: 'mul',
      attrs: {},
      inputs: [
        { value: 3, shape: [3] },
        { value: 1, shape: [] },
      ],
      ...f([3]),
    },
  ],
  outputs: [
    { value: 4, shape: [3] },
    { value: 4, shape: [3] },
    { value: 3, shape: [3] },
  ],
  stateOut: [],
} as unknown as Graph;
const text = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes);

describe('graphModel', () => {
  it('leaves out dead nodes, renames computed outputs and stores constants given', async () => {
    const model = graphModel(graph, { constants: [new Float32Array([10])] });
    expect(text(model)).not.toContain('Exp');
    // o0 is the Mul itself, o1 the same value again (one Identity), o2 the Neg itself.
    expect(text(model).split('Identity').length - 1).toBe(1);
    const session = await ort.InferenceSession.create(model);
    expect(session.inputNames).toEqual(['i0']);
    const out = await session.run({ i0: new ort.Tensor('float32', new Float32Array([1, -2, 3]), [3]) });
    expect(Array.from(out.o0.data as Float32Array)).toEqual([-10, 20, -30]);
    expect(Array.from(out.o1.data as Float32Array)).toEqual([-10, 20, -30]);
    expect(Array.from(out.o2.data as Float32Array)).toEqual([-1, 2, -3]);
    await session.release();
  });

  it('feeds a constant whose value is not given', async () => {
    const session = await ort.InferenceSession.create(graphModel(graph));
    expect(session.inputNames).toEqual(['i0', 'k0']);
    const out = await session.run({
      i0: new ort.Tensor('float32', new Float32Array([1, 2, 3]), [3]),
      k0: new ort.Tensor('float32', new Float32Array([2]), []),
    });
    expect(Array.from(out.o0.data as Float32Array)).toEqual([-2, -4, -6]);
    await session.release();
  });
});
