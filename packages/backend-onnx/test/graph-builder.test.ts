/** GraphBuilder's subgraphs (an If node's branches), run by ONNX Runtime, and the finiteFlags lowering built on them. */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/lower/builder.js';
import { lowerings } from '../src/lower/index.js';
import { encodeModel } from '../src/proto/onnx.js';

const run = async (b: GraphBuilder, feeds: Record<string, ort.Tensor>) => {
  const session = await ort.InferenceSession.create(encodeModel(b.graph()), { logSeverityLevel: 3 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
};
const vector = (values: number[]) => new ort.Tensor('float32', Float32Array.from(values), [values.length]);

describe('GraphBuilder.branch', () => {
  it('a branch reads a value that later becomes a graph output under another name', async () => {
    const b = new GraphBuilder();
    const x = b.input('float32', [3], 'x');
    const flag = b.input('bool', [], 'flag');
    const neg = b.op('Neg', [x]);
    const picked = b.op('If', [flag], {
      then_branch: { g: b.branch((g) => g.op('Mul', [neg, g.scalar(2, 'float32')]), 'float32', [3]) },
      else_branch: { g: b.branch(() => neg, 'float32', [3]) },
    });
    b.output(picked, 'float32', [3], 'picked');
    // Renames the Neg's value to `negated`: both branches must read it under the new name.
    b.output(neg, 'float32', [3], 'negated');
    for (const [on, want] of [
      [true, [-2, 4, -6]],
      [false, [-1, 2, -3]],
    ] as const) {
      const r = await run(b, {
        x: vector([1, -2, 3]),
        flag: new ort.Tensor('bool', Uint8Array.from([on ? 1 : 0]), []),
      });
      expect(Array.from(r.picked.data as Float32Array)).toEqual(want);
      expect(Array.from(r.negated.data as Float32Array)).toEqual([-1, 2, -3]);
    }
  });

  it("a branch's names and constants are its graph's: no name is declared twice", () => {
    const b = new GraphBuilder();
    const x = b.input('float32', [2], 'x');
    const two = b.scalar(2, 'float32');
    const branch = b.branch((g) => g.op('Mul', [x, g.scalar(2, 'float32')]), 'float32', [2]);
    expect(branch.initializers).toEqual([]);
    expect(branch.nodes[0].inputs).toEqual([x, two]);
    const names = [...b.nodes, ...branch.nodes].flatMap((n) => n.outputs);
    expect(new Set([...names, ...branch.outputs.map((o) => o.name)]).size).toBe(names.length);
  });
});

describe('finiteFlags lowering', () => {
  const flagsOf = async (inputs: number[][]) => {
    const b = new GraphBuilder();
    const names = inputs.map((v, i) => b.input('float32', [v.length], `x${i}`));
    const flags = lowerings.finiteFlags!(
      b,
      names.map((name, i) => ({ name, shape: [inputs[i].length], dtype: 'float32' })),
      {},
      { shape: [inputs.length], dtype: 'float32' },
    );
    b.output(flags, 'float32', [inputs.length], 'flags');
    const r = await run(b, Object.fromEntries(inputs.map((v, i) => [`x${i}`, vector(v)])));
    return Array.from(r.flags.data as Float32Array);
  };
  const huge = Array.from({ length: 9 }, () => 3.4e38);

  it('finite sums: every flag 0 (the quick path)', async () => {
    expect(await flagsOf([[1, -2, 3], [0], [-0, 1e-45]])).toEqual([0, 0, 0]);
  });

  it('a sum that overflows is no false alarm, alone or beside a NaN and an infinity (the exact path)', async () => {
    expect(await flagsOf([huge, huge.map((v) => -v)])).toEqual([0, 0]);
    expect(
      await flagsOf([
        [-1, -2],
        [1, -2],
      ]),
    ).toEqual([0, 0]); // +0, whatever the sum's sign
    expect(await flagsOf([huge, [1, Number.NaN, 2], [Number.NEGATIVE_INFINITY], [4]])).toEqual([
      0,
      Number.NaN,
      Number.NaN,
      0,
    ]);
  });
});
