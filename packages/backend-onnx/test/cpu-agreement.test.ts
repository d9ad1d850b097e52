/**
 * backend-cpu and backend-onnx compute the fused optimizer updates the same way — every operation
 * rounded to float32, in the order of core's fused update rules (`updateKernelRule`) — so one update gives the same
 * bits on both: backend-cpu's SIMD kernel (with its one-element tail) and its scalar kernel
 * (under 64 elements) against this backend's ONNX Runtime nodes, for every option of every update.
 */
import { cpu } from '@backprop/backend-cpu';
import {
  type AdamUpdateAttrs,
  adamUpdate,
  type Backend,
  type RmspropUpdateAttrs,
  rmspropUpdate,
  type SgdUpdateAttrs,
  scalar,
  setBackend,
  sgdUpdate,
  type Tensor,
  tensor,
  tidy,
} from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnx } from '../src/index.js';
import { rand } from './compare.js';

let ort: Awaited<ReturnType<typeof onnx>>;
const host = cpu();
beforeAll(async () => {
  ort = await onnx({ provider: 'cpu', threads: 1 });
});
afterAll(async () => {
  await ort.destroy?.();
});

/** The outputs of `fn` on `backend`, as float32 arrays. */
async function outputs(backend: Backend, fn: () => Tensor[]): Promise<Float32Array[]> {
  await setBackend(backend);
  const out = tidy(fn);
  const data = await Promise.all(out.map((t) => t.data()));
  for (const t of out) t.dispose();
  return data.map((d) => Float32Array.from(d));
}

/** The same bits on both backends (NaN's payload aside), element by element. */
async function agree(fn: () => Tensor[]): Promise<void> {
  const a = await outputs(host, fn);
  const b = await outputs(ort, fn);
  expect(b.length).toBe(a.length);
  a.forEach((x, k) => {
    const bits = (v: Float32Array) => Array.from(new Uint32Array(v.buffer), (u, i) => (Number.isNaN(v[i]) ? -1 : u));
    expect(bits(b[k]), `output ${k}`).toEqual(bits(x));
  });
}

// 1,027 elements: backend-cpu's SIMD kernel with three elements of tail; 37: its scalar kernel.
const sizes = [1027, 37];
const arrays = (n: number, scales: number[]) => scales.map((s, i) => tensor(rand(n, 11 * i + n, s)));
// A parameter with an infinity and a NaN, and a zero gradient: specials travel the same way.
const param = (n: number) => {
  const p = rand(n, 5, 2);
  p[3] = Number.POSITIVE_INFINITY;
  p[7] = Number.NaN;
  return tensor(p);
};

describe('fused updates: backend-cpu and backend-onnx give the same bits', () => {
  const sgdCases: Partial<SgdUpdateAttrs>[] = [
    {},
    { weightDecay: 0.01 },
    { momentum: 0.9, firstStep: true },
    { momentum: 0.9 },
    { momentum: 0.9, dampening: 0.1, weightDecay: 0.01 },
    { momentum: 0.9, nesterov: true, weightDecay: 0.001 },
  ];
  for (const n of sizes)
    for (const c of sgdCases) {
      const attrs: SgdUpdateAttrs = {
        momentum: 0,
        dampening: 0,
        nesterov: false,
        weightDecay: 0,
        firstStep: false,
        ...c,
      };
      it(`sgdUpdate ${JSON.stringify(c)} on ${n}`, async () => {
        await agree(() => {
          const [grad, buf] = arrays(n, [0.5, 0.1]);
          return sgdUpdate({ param: param(n), grad, momentumBuffer: buf, lr: scalar(0.01) }, attrs);
        });
      });
    }

  const adamCases: Partial<AdamUpdateAttrs>[] = [
    {},
    { weightDecay: 0.01 },
    { weightDecay: 0.01, decoupled: true },
    { amsgrad: true },
    { beta1: 0.5, beta2: 0.9, eps: 1e-3, weightDecay: 0.05, decoupled: true, amsgrad: true },
  ];
  for (const n of sizes)
    for (const c of adamCases)
      for (const t of [1, 7]) {
        const attrs: AdamUpdateAttrs = {
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          weightDecay: 0,
          decoupled: false,
          amsgrad: false,
          ...c,
        };
        it(`adamUpdate ${JSON.stringify(c)} at step ${t} on ${n}`, async () => {
          await agree(() => {
            const [grad, expAvg, sq, maxSq] = arrays(n, [0.5, 0.05, 0.01, 0.01]);
            return adamUpdate(
              {
                param: param(n),
                grad,
                expAvg,
                expAvgSq: sq.abs(),
                maxExpAvgSq: maxSq.abs(),
                step: scalar(t, 'int32'),
                lr: scalar(1e-3),
              },
              attrs,
            );
          });
        });
      }

  const rmsCases: Partial<RmspropUpdateAttrs>[] = [
    {},
    { weightDecay: 0.01 },
    { centered: true },
    { momentum: 0.9 },
    { centered: true, momentum: 0.5, weightDecay: 0.01 },
    { decay: 1, scale: 1, eps: 1e-10 }, // Adagrad
  ];
  for (const n of sizes)
    for (const c of rmsCases) {
      const attrs: RmspropUpdateAttrs = {
        decay: 0.99,
        scale: 0.01,
        eps: 1e-8,
        weightDecay: 0,
        momentum: 0,
        centered: false,
        ...c,
      };
      it(`rmspropUpdate ${JSON.stringify(c)} on ${n}`, async () => {
        await agree(() => {
          const [grad, sq, gAvg, buf] = arrays(n, [0.5, 0.01, 0.01, 0.1]);
          return rmspropUpdate(
            { param: param(n), grad, squareAvg: sq.abs(), gradAvg: gAvg, momentumBuffer: buf, lr: scalar(0.01) },
            attrs,
          );
        });
      });
    }
});
