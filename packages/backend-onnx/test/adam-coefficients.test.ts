/**
 * Adam's coefficients over a vector of step counts (one chain for every parameter of the same
 * attributes, as a compiled step written in place computes them) equal, bit for bit, the scalar
 * chain each update computes out of place, for step counts from 1 to past a million.
 */
import type { Graph } from '@backprop/core';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { graphModel } from '../src/index.js';

/** Step counts 1–40, then spread out to 2²¹ by a fixed generator. */
const counts = [
  ...Array.from({ length: 40 }, (_, i) => i + 1),
  ...Array.from({ length: 160 }, (_, i) => 41 + ((i * 2_654_435_761) % 2_097_112)),
];

describe('Adam coefficients over a vector of step counts', () => {
  it.each([
    { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    { beta1: 0.8, beta2: 0.99995, eps: 1e-6 },
  ])('equal the scalar chain of each step count (β₁ $beta1, β₂ $beta2)', async (betas) => {
    const attrs = { ...betas, weightDecay: 0.01, decoupled: true, amsgrad: false };
    const n = counts.length;
    const step = (i: number) => ({ value: i, shape: [] });
    const lr = { value: n, shape: [] };
    const coefficient = (k: number, steps: { value: number; shape: number[] }[]) => ({
      kernel: 'adamUpdate',
      attrs: { ...attrs, coefficient: k },
      inputs: [...steps, lr],
      shape: steps.length === 1 ? [] : [steps.length],
      dtype: 'float32',
    });
    const all = counts.map((_, i) => step(i));
    // Nodes: a and e over the vector, then a and e of each step count alone.
    const nodes = [
      coefficient(0, all),
      coefficient(1, all),
      ...all.flatMap((s) => [coefficient(0, [s]), coefficient(1, [s])]),
    ];
    const first = n + 1;
    const graph = {
      inputs: [...counts.map(() => ({ shape: [], dtype: 'int32' })), { shape: [], dtype: 'float32' }],
      state: [],
      constants: [],
      nodes,
      outputs: nodes.map((node, j) => ({ value: first + j, shape: node.shape })),
      stateOut: [],
    } as unknown as Graph;
    const session = await ort.InferenceSession.create(graphModel(graph));
    const feeds: Record<string, ort.Tensor> = { [`i${n}`]: new ort.Tensor('float32', new Float32Array([0.003]), []) };
    counts.forEach((c, i) => {
      feeds[`i${i}`] = new ort.Tensor('int32', new Int32Array([c]), []);
    });
    const out = await session.run(feeds);
    const [a, e] = [out.o0.data as Float32Array, out.o1.data as Float32Array];
    expect([a.length, e.length]).toEqual([n, n]);
    const mismatches = counts.filter(
      (_, i) =>
        a[i] !== (out[`o${2 + 2 * i}`].data as Float32Array)[0] ||
        e[i] !== (out[`o${3 + 2 * i}`].data as Float32Array)[0],
    );
    expect(mismatches).toEqual([]);
    // The chain depends on the step count (until βᵗ underflows against 1 and a settles at γ).
    expect(new Set(a.subarray(0, 40)).size).toBe(40);
    await session.release();
  });
});
