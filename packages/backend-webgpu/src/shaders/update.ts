/** The fused optimizer-update shader: one pass over θ, g and the state arrays, several outputs. */
import type { Handle, OutputInfo, TensorInfo } from '@backprop/core';
import { sizeOf } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelContext } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { ELEMENT_MAIN, FLOAT_HELPERS, grid, WG } from './prelude.js';

/**
 * WGSL for the gradient with coupled weight decay, g + λθ with λ = p(j) (`in1` is g, `in0` θ);
 * just g when `j` is undefined, so that a zero λ turns no infinite θ into 0·∞ = NaN.
 */
export function coupledGrad(j?: number): string {
  return j === undefined ? 'in1[i]' : `in1[i] + p(${j}u) * in0[i]`;
}

/**
 * Runs `body` (WGSL reading `in0…` and `p(j)` = float parameter j, writing `out` and `o1…`)
 * once per element: inputs are f32 arrays (those whose index is in `intInputs`: i32), outputs
 * are new handles for `outs`.
 */
export function runUpdate(
  k: KernelContext,
  op: string,
  key: string,
  body: string,
  inputs: readonly TensorInfo[],
  outs: readonly OutputInfo[],
  params: readonly number[],
  intInputs: readonly number[] = [],
): Handle[] {
  const ys = outs.map((o) => k.output(o));
  const n = sizeOf(outs[0].shape);
  if (n === 0) return ys;
  const meta = new Meta().u(n);
  for (const v of params) meta.f(v);
  const lines = [
    '@group(0) @binding(0) var<storage, read> args: array<u32>;',
    '@group(0) @binding(1) var<storage, read_write> out: array<f32>;',
  ];
  inputs.forEach((_, i) =>
    lines.push(
      `@group(0) @binding(${i + 2}) var<storage, read> in${i}: array<${intInputs.includes(i) ? 'i32' : 'f32'}>;`,
    ),
  );
  ys.slice(1).forEach((_, j) =>
    lines.push(`@group(0) @binding(${inputs.length + 2 + j}) var<storage, read_write> o${j + 1}: array<f32>;`),
  );
  k.gpu.run({
    op,
    key: `${op}|${key}`,
    code: () =>
      [
        ...lines,
        FLOAT_HELPERS,
        'fn p(j: u32) -> f32 { return bitcast<f32>(args[1u + j]); }',
        ELEMENT_MAIN,
        body,
        '}',
      ].join('\n'),
    output: ys[0].buffer,
    inputs: inputs.map(bufferOf),
    outputs: ys.slice(1).map((y) => y.buffer),
    meta: meta.build(),
    workgroups: grid(Math.ceil(n / WG)),
  });
  return ys;
}
