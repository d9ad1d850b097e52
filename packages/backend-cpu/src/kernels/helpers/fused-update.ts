/** The fused update kernels' common body: core's rule for the update, run on the kernel's arrays. */
import { type OutputInfo, runUpdateLoop, type TensorInfo, type UpdateKernelName } from '@backprop/core';
import type { CpuHandle } from '../../handle.js';
import { valuesOf } from '../../handle.js';
import { allocateOut, output } from './output.js';

/**
 * Runs fused update `name` over a kernel's `inputs` (γ last; Adam's step count t at index 4 is
 * read by `coefficients` only) into `outs` — new blocks, or the inputs themselves for an update
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
  runUpdateLoop({
    name,
    attrs,
    arrays: inputs
      .slice(0, -1)
      .map((x, i) => (name === 'adamUpdate' && i === 4 ? undefined : (valuesOf(x) as Float32Array))),
    targets,
    lr: valuesOf(inputs[inputs.length - 1])[0],
    coefficients,
  });
  return targets.map(output);
}
