/**
 * A fused optimizer update written into host arrays: core's fused update rules compiled to
 * WebAssembly SIMD (`wasm-update.ts`), or where the engine cannot compile that, core's JavaScript
 * loop (`runUpdateLoop`, block by block where even that is forbidden): each operation rounds
 * exactly as ONNX Runtime's float32 nodes do, and every element's inputs are read before its
 * outputs are written, so writing over the inputs gives the out-of-place results.
 */
import { runUpdateBlocks, runUpdateLoop, type UpdateKernelName, updateArraysOf } from '@backprop/core';
import { runWasmUpdate } from './wasm-update.js';

/** The host inputs of one update: the kernel's inputs as arrays (scalars as one-element arrays). */
export interface HostUpdate {
  name: UpdateKernelName;
  attrs: object;
  /** The kernel's inputs in order ([θ, g, m, v, t, v̄?, γ] for Adam). */
  inputs: readonly (Float32Array | Int32Array)[];
  /** Adam's float32 coefficients [a, e, decay?] as ONNX Runtime computed them (`adamCoefficients`). */
  coefficients?: readonly number[];
  /** Where each output goes (the parameter and state inputs, in output order). */
  targets: readonly Float32Array[];
}

/**
 * Runs one update over every element, writing its outputs into `targets`: with WebAssembly SIMD
 * where the engine compiles it, else in core's compiled JavaScript loop, else block by block
 * (`path` starts lower down that list; all three write the same bits).
 */
export function runHostUpdate(u: HostUpdate, { path = 'wasm' }: { path?: 'wasm' | 'loop' | 'blocks' } = {}): void {
  const update = updateArraysOf(u.name, u.attrs, u.inputs, u.targets, u.coefficients);
  if (path === 'wasm' && runWasmUpdate(update)) return;
  if (path === 'blocks') runUpdateBlocks(update);
  else runUpdateLoop(update);
}
