/** The fused optimizer-update shader: one pass over θ, g and the state arrays, several outputs. */
import type { Handle, OutputInfo, TensorInfo } from '@backprop/core';
import { BackendError, sizeOf, type UpdateKernelName, updateWrittenInputs } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelContext } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { ELEMENT_MAIN, FLOAT_HELPERS, grid, WG } from './prelude.js';

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

/**
 * Runs `body` (WGSL reading `in0…` and `p(j)` = float parameter j, writing `out` and `o1…`;
 * `update-rule.ts` writes it from core's rules) once per element: inputs are f32 arrays (those
 * whose index is in `intInputs`: i32), outputs are new handles for `outs` (or, under
 * `runUpdateInPlace`, the inputs they replace). The body is the shader's cache key: it holds
 * every variant's structure, and the hyperparameters' values are parameters, not code.
 */
export function runUpdate(
  k: KernelContext,
  op: string,
  body: string,
  inputs: readonly TensorInfo[],
  outs: readonly OutputInfo[],
  params: readonly number[],
  intInputs: readonly number[] = [],
): Handle[] {
  const typeOf = (i: number) => (intInputs.includes(i) ? 'i32' : 'f32');
  const plan = inPlace
    ? inPlacePlan(op, body, inputs, outs.length, typeOf, inPlace.guard)
    : (() => {
        const ys = outs.map((o) => k.output(o));
        const read = inputs.map((x, i): ReadBinding => ({ buffer: bufferOf(x), type: typeOf(i) }));
        return { handles: ys as Handle[], read, written: ys.map((y) => y.buffer), body, variant: '' };
      })();
  const n = sizeOf(outs[0].shape);
  if (n > 0) dispatchUpdate(k, op, `${op}|${body}${plan.variant}`, n, params, plan, plan.body);
  return plan.handles;
}

/**
 * How an update writes into its inputs: the written inputs are bound read-write as `out`, `o1`, …
 * (each element's inputs are read before its outputs are written, so the body is unchanged but
 * for the names), the others as `in0`, `in1`, … and the guard after them.
 */
function inPlacePlan(
  op: string,
  body: string,
  inputs: readonly TensorInfo[],
  outputs: number,
  typeOf: (i: number) => ReadBinding['type'],
  guard: TensorInfo | undefined,
) {
  const written = updateWrittenInputs(op as UpdateKernelName, inputs.length);
  if (written.length !== outputs)
    throw new BackendError(`${op}: ${outputs} outputs but ${written.length} inputs to write them into`);
  const others = inputs.map((_, i) => i).filter((i) => !written.includes(i));
  const names = new Map<number, string>([
    ...written.map((i, j): [number, string] => [i, j === 0 ? 'out' : `o${j}`]),
    ...others.map((i, j): [number, string] => [i, `in${j}`]),
  ]);
  const renamed = body.replace(/\bin(\d+)\[/g, (_, d: string) => `${names.get(Number(d))}[`);
  const read = others.map((i): ReadBinding => ({ buffer: bufferOf(inputs[i]), type: typeOf(i) }));
  // ±0 writes; any other bit pattern (NaN included) leaves every input as it was.
  const check = guard ? `  if ((in${read.length}[0] & 0x7fffffffu) != 0u) { return; }\n` : '';
  if (guard) read.push({ buffer: bufferOf(guard), type: 'u32' });
  return {
    handles: written.map((i) => inputs[i].handle),
    read,
    written: written.map((i) => bufferOf(inputs[i])),
    body: check + renamed,
    variant: `|in-place${guard ? '|guarded' : ''}`,
  };
}

/** A buffer an update shader reads, as an array of `type`. */
interface ReadBinding {
  buffer: GPUBuffer;
  type: 'f32' | 'i32' | 'u32';
}

/** One update dispatch over n elements: `read` bound as `in0…`, `written` as `out`, `o1…`, the float parameters in `args`. */
function dispatchUpdate(
  k: KernelContext,
  op: string,
  key: string,
  n: number,
  params: readonly number[],
  { read, written }: { read: readonly ReadBinding[]; written: readonly GPUBuffer[] },
  body: string,
): void {
  const meta = new Meta().u(n);
  for (const v of params) meta.f(v);
  const lines = [
    '@group(0) @binding(0) var<storage, read> args: array<u32>;',
    '@group(0) @binding(1) var<storage, read_write> out: array<f32>;',
    ...read.map(({ type }, j) => `@group(0) @binding(${j + 2}) var<storage, read> in${j}: array<${type}>;`),
    ...written
      .slice(1)
      .map((_, j) => `@group(0) @binding(${read.length + 2 + j}) var<storage, read_write> o${j + 1}: array<f32>;`),
  ];
  k.gpu.run({
    op,
    key,
    code: () =>
      [
        ...lines,
        FLOAT_HELPERS,
        'fn p(j: u32) -> f32 { return bitcast<f32>(args[1u + j]); }',
        ELEMENT_MAIN,
        body,
        '}',
      ].join('\n'),
    output: written[0],
    inputs: read.map((r) => r.buffer),
    outputs: written.slice(1),
    meta: meta.build(),
    workgroups: grid(Math.ceil(n / WG)),
  });
}
