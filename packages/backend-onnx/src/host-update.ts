/**
 * A fused optimizer update written into host arrays: core's fused update rules compiled to
 * WebAssembly SIMD, run where the arrays live when they are resident in WebAssembly memory
 * (`resident-update.ts`), else over blocks copied through the module's memory
 * (`wasm-update.ts`); or where the engine cannot compile that, core's JavaScript loop
 * (`runUpdateLoop`, block by block where even that is forbidden): each operation rounds
 * exactly as ONNX Runtime's float32 nodes do, and every element's inputs are read before its
 * outputs are written, so writing over the inputs gives the out-of-place results.
 */
import {
  checkUpdateArrays,
  runUpdateBlocks,
  runUpdateLoop,
  type UpdateKernelName,
  updateArraysOf,
} from '@backprop/core';
import { runResidentUpdate } from './resident-update.js';
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
 * where the engine compiles it (in place on resident arrays, else through copies), else in
 * core's compiled JavaScript loop, else block by block (`path` starts lower down that list:
 * `copy` skips the resident run; all write the same bits). Arrays that do not fit the update
 * raise a typed error before anything is written.
 */
export function runHostUpdate(u: HostUpdate, options: { path?: HostUpdatePath } = {}): void {
  runHostUpdates([u], options);
}

/** Where {@link runHostUpdate} starts: `wasm` (resident, else copies), `copy`, `loop` or `blocks`. */
export type HostUpdatePath = 'wasm' | 'copy' | 'loop' | 'blocks';

/**
 * Runs updates in order (see {@link runHostUpdate}), every one checked before the first is
 * written: arrays that do not fit one of them raise a typed error and nothing is written.
 */
export function runHostUpdates(us: readonly HostUpdate[], { path = 'wasm' }: { path?: HostUpdatePath } = {}): void {
  const updates = us.map((u) => {
    const update = updateArraysOf(u.name, u.attrs, u.inputs, u.targets, u.coefficients);
    checkUpdateArrays('onnx host update', update);
    return update;
  });
  for (const update of updates) {
    if (path === 'wasm' && runResidentUpdate(update)) continue;
    if ((path === 'wasm' || path === 'copy') && runWasmUpdate(update)) continue;
    if (path === 'blocks') runUpdateBlocks(update);
    else runUpdateLoop(update);
  }
}
