/** The fused update kernels' common body: core's rule for the update, run on the kernel's arrays. */
import { type OutputInfo, runUpdateLoop, type TensorInfo, type UpdateKernelName, updateArraysOf } from '@backprop/core';
import { type CpuHandle, valuesOf } from '../../handle.js';
import { allocateOut, output } from './output.js';

/**
 * Runs fused update `name` over a kernel's `inputs` (γ last; Adam's step count t at index 4 is
 * read by `coefficients` only; core's `updateArraysOf`) into `outs` — new blocks, or the inputs themselves for an update
 * in place — with core's compiled loop (`runUpdateLoop`).
 */
export function runFusedUpdate(
  name: UpdateKernelName,
  inputs: readonly TensorInfo[],
  attrs: object,
  outs: readonly OutputInfo[],
  coefficients: readonly number[] = [],
): CpuHandle[] {
  const targets = outs.map((o) => allocateOut(o, false) as Float32Array);
  runUpdateLoop(updateArraysOf(name, attrs, inputs.map(valuesOf), targets, coefficients));
  return targets.map(output);
}
