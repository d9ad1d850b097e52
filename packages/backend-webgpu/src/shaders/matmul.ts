/** Records a batched matmul as one of its variants: tiled, vec4 tiled, gemv, or split-K (tiled partials + a reducing pass). */
import { BackendError } from '@backprop/core';
import type { GpuContext } from '../gpu-context.js';
import type { GpuHandle } from '../handle.js';
import type { KernelContext } from '../kernel-context.js';
import { Meta } from '../meta.js';
import {
  chooseMatmulVariant,
  type MatmulLimits,
  type MatmulPlan,
  planName,
  type TiledPlan,
  vec4Aligned,
} from './matmul-choose.js';
import { type Epilogue, NO_EPILOGUE } from './matmul-epilogue.js';
import { batchCount, type MatmulProblem, matmulMeta } from './matmul-problem.js';
import { gemvCode, gemvGroups } from './matmul-skinny.js';
import { splitKReduceCode } from './matmul-splitk.js';
import { tiledCode } from './matmul-tiled.js';
import { vec4Code } from './matmul-vec4.js';
import { grid, WG } from './prelude.js';

/** The limits of `gpu`'s device that {@link chooseMatmulVariant} respects. */
export function matmulLimits(gpu: GpuContext): MatmulLimits {
  return {
    maxBindingBytes: gpu.maxBindingBytes,
    maxWorkgroupsPerDimension: gpu.device.limits.maxComputeWorkgroupsPerDimension,
  };
}

/**
 * Records a matmul writing every element of `y` (a K of 0 writes epilogue(0)) as `plan`, by
 * default {@link chooseMatmulVariant}'s choice. `buffers` are A, B and, with a bias epilogue, the bias.
 */
export function runMatmul(
  k: KernelContext,
  op: string,
  t: 'f32' | 'i32',
  p: MatmulProblem,
  buffers: readonly GPUBuffer[],
  y: GpuHandle,
  epilogue: Epilogue = NO_EPILOGUE,
  plan: MatmulPlan = chooseMatmulVariant(p, t, matmulLimits(k.gpu)),
): void {
  if (plan.variant !== 'tiled' && t !== 'f32') throw new BackendError(`${op}: the ${plan.variant} matmul is f32 only`);
  switch (plan.variant) {
    case 'tiled':
    case 'vec4':
      runTiled(k, op, t, p, plan, buffers, y.buffer, epilogue, 1, p.k);
      return;
    case 'gemv': {
      const groups = gemvGroups(plan.mode, plan.alongN, p.m, p.n);
      const [x, yy] = grid(groups, k.gpu.device.limits.maxComputeWorkgroupsPerDimension);
      k.gpu.run({
        op,
        key: `matmul|f32|${planName(plan)}|${epilogue.name}`,
        code: () => gemvCode(plan.mode, epilogue),
        output: y.buffer,
        inputs: buffers,
        meta: matmulMeta(p, { flag: Number(plan.alongN) }),
        workgroups: [x, yy, batchCount(p)],
      });
      return;
    }
    case 'split-k': {
      const size = batchCount(p) * p.m * p.n;
      const bytes = plan.splits * size * 4;
      if (bytes > k.gpu.maxBindingBytes)
        throw new BackendError(`${op}: split-K partials of ${bytes} bytes exceed the storage binding limit`);
      const partials = k.gpu.pool.acquireForKernel(bytes);
      runTiled(k, op, 'f32', p, plan.partial, buffers.slice(0, 2), partials, NO_EPILOGUE, plan.splits, plan.kChunk);
      k.gpu.run({
        op,
        key: `matmul|f32|split-k-reduce|${epilogue.name}`,
        code: () => splitKReduceCode(epilogue),
        output: y.buffer,
        inputs: [partials, ...buffers.slice(2)],
        meta: new Meta().u(size, plan.splits, p.n).build(),
        workgroups: grid(Math.ceil(size / WG)),
      });
      // NOTE: both passes are recorded, so a later kernel may take the buffer (the encoder orders them).
      k.gpu.pool.release(partials);
      return;
    }
  }
}

/** One tiled (scalar or vec4) dispatch over `splits` slices of K, `kChunk` long each. */
function runTiled(
  k: KernelContext,
  op: string,
  t: 'f32' | 'i32',
  p: MatmulProblem,
  plan: TiledPlan,
  buffers: readonly GPUBuffer[],
  output: GPUBuffer,
  epilogue: Epilogue,
  splits: number,
  kChunk: number,
): void {
  const { tiling } = plan;
  const vec4 = plan.variant === 'vec4';
  if (vec4 && (!vec4Aligned(p) || (splits > 1 && kChunk % 4 !== 0)))
    throw new BackendError(`${op}: the vec4 matmul needs a 16-byte aligned layout`);
  k.gpu.run({
    op,
    key: `matmul|${t}|${planName(plan)}|${epilogue.name}`,
    code: () => (vec4 ? vec4Code(tiling, epilogue) : tiledCode(t, tiling, epilogue)),
    output,
    inputs: buffers,
    meta: matmulMeta(p, { kChunk }),
    workgroups: [Math.ceil(p.n / (16 * tiling.tn)), Math.ceil(p.m / (16 * tiling.tm)), splits * batchCount(p)],
  });
}
