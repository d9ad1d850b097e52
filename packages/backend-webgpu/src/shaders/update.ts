/** The fused optimizer-update shader: one pass over θ, g and the state arrays, several outputs. */
import type { Handle, OutputInfo, TensorInfo } from '@backprop/core';
import { BackendError, sizeOf } from '@backprop/core';
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

/** Set while `runUpdateInPlace` runs a kernel: its outputs go into its inputs, guarded. */
let inPlace: { guard: TensorInfo | undefined } | undefined;

/**
 * Runs `kernel` (one of the update kernels) with its outputs written into the inputs they replace
 * (θ into the parameter, each new state tensor into its state input), and nothing written while
 * `guard` holds anything but ±0 (NaN included). The shader is the kernel's own, with those
 * inputs bound read-write under the output names.
 */
export function runUpdateInPlace(guard: TensorInfo | undefined, kernel: () => unknown): void {
  const previous = inPlace;
  inPlace = { guard };
  try {
    kernel();
  } finally {
    inPlace = previous;
  }
}

/** The inputs an update writes, in output order: all but the gradient (1), Adam's step count (4) and γ (last). */
function writtenInputs(op: string, count: number): number[] {
  return Array.from({ length: count }, (_, i) => i).filter(
    (i) => i !== 1 && i !== count - 1 && !(op === 'adamUpdate' && i === 4),
  );
}

/**
 * Runs `body` (WGSL reading `in0…` and `p(j)` = float parameter j, writing `out` and `o1…`)
 * once per element: inputs are f32 arrays (those whose index is in `intInputs`: i32), outputs
 * are new handles for `outs` (or, under `runUpdateInPlace`, the inputs they replace).
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
  if (inPlace) return runInPlace(k, op, key, body, inputs, outs, params, intInputs, inPlace.guard);
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

/**
 * `runUpdate` writing into its inputs: the written inputs are bound read-write as `out`, `o1`, …
 * (each element's inputs are read before its outputs are written, so the body is unchanged but
 * for the names), the others as `in0`, `in1`, … and the guard after them.
 */
function runInPlace(
  k: KernelContext,
  op: string,
  key: string,
  body: string,
  inputs: readonly TensorInfo[],
  outs: readonly OutputInfo[],
  params: readonly number[],
  intInputs: readonly number[],
  guard: TensorInfo | undefined,
): Handle[] {
  const written = writtenInputs(op, inputs.length);
  if (written.length !== outs.length)
    throw new BackendError(`${op}: ${outs.length} outputs but ${written.length} inputs to write them into`);
  const n = sizeOf(outs[0].shape);
  if (n === 0) return written.map((i) => inputs[i].handle);
  const read = inputs.map((_, i) => i).filter((i) => !written.includes(i));
  const names = new Map<number, string>([
    ...written.map((i, j): [number, string] => [i, j === 0 ? 'out' : `o${j}`]),
    ...read.map((i, j): [number, string] => [i, `in${j}`]),
  ]);
  const renamed = body.replace(/\bin(\d+)\[/g, (_, d: string) => `${names.get(Number(d))}[`);
  const meta = new Meta().u(n);
  for (const v of params) meta.f(v);
  const lines = [
    '@group(0) @binding(0) var<storage, read> args: array<u32>;',
    '@group(0) @binding(1) var<storage, read_write> out: array<f32>;',
  ];
  read.forEach((i, j) =>
    lines.push(
      `@group(0) @binding(${j + 2}) var<storage, read> in${j}: array<${intInputs.includes(i) ? 'i32' : 'f32'}>;`,
    ),
  );
  const guardName = `in${read.length}`;
  if (guard) lines.push(`@group(0) @binding(${read.length + 2}) var<storage, read> ${guardName}: array<u32>;`);
  const first = read.length + 2 + (guard ? 1 : 0);
  written
    .slice(1)
    .forEach((_, j) => lines.push(`@group(0) @binding(${first + j}) var<storage, read_write> o${j + 1}: array<f32>;`));
  // ±0 writes; any other bit pattern (NaN included) leaves every input as it was.
  const check = guard ? `  if ((${guardName}[0] & 0x7fffffffu) != 0u) { return; }\n` : '';
  k.gpu.run({
    op,
    key: `${op}|${key}|in-place${guard ? '|guarded' : ''}`,
    code: () =>
      [
        ...lines,
        FLOAT_HELPERS,
        'fn p(j: u32) -> f32 { return bitcast<f32>(args[1u + j]); }',
        ELEMENT_MAIN,
        check + renamed,
        '}',
      ].join('\n'),
    output: bufferOf(inputs[written[0]]),
    inputs: [...read.map((i) => bufferOf(inputs[i])), ...(guard ? [bufferOf(guard)] : [])],
    outputs: written.slice(1).map((i) => bufferOf(inputs[i])),
    meta: meta.build(),
    workgroups: grid(Math.ceil(n / WG)),
  });
  return written.map((i) => inputs[i].handle);
}
