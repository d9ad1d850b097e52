/**
 * SIMD versions of the fused optimizer updates (assembly/updates.ts, generated at build time from
 * core's fused update rules by scripts/update-kernels.mjs): one pass over the arrays where they
 * live, four float32 lanes at a time in the rules' operation order (each operation rounded to
 * float32), so the results are bit-identical to the scalar kernels, which run the same rules
 * (test/wasm-updates.test.ts). The constants and pointers go to the kernel in the heap's fixed
 * block of float64 slots, which worker threads read too; large parameters are split across
 * threads. Outputs may be the inputs themselves (in-place updates).
 */
import { adamStepCoefficients, type MultiKernel, type OutputInfo, type TensorInfo } from '@backprop/core';
import { type CpuHandle, liveHandle } from '../handle.js';
import { allocateOutHandle } from '../kernels/helpers/output.js';
import { ARGS_BLOCK, ARGS_BLOCK_BYTES } from '../memory/heap.js';
import { runSplit, type SimdContext } from './parallel.js';

type StepFunction = 'sgdStep' | 'adamStep' | 'rmspropStep';

/** Writes `slots` into the heap's fixed argument block and runs `fn` over n elements (allocates nothing). */
function runStep(ctx: SimdContext, fn: StepFunction, n: number, slots: readonly number[]): void {
  new Float64Array(ctx.runtime.heap.memory.buffer, ARGS_BLOCK, ARGS_BLOCK_BYTES / 8).set(slots);
  runSplit(ctx, fn, n, (i0, i1) => [ARGS_BLOCK, i0, i1]);
}

/** The live handles of a kernel's inputs, and the float32 value of the last one (γ). */
function handlesAndLr(name: string, inputs: readonly TensorInfo[]): [CpuHandle[], number] {
  const handles = inputs.map((x) => liveHandle(name, x.handle));
  return [handles, handles[handles.length - 1].values[0]];
}

const flag = (b: boolean) => (b ? 1 : 0);

/** sgdUpdate on SIMD, at every size (even a 10-element bias updates faster here than through the scalar loop). */
export function simdSgdUpdate(ctx: SimdContext): MultiKernel<'sgdUpdate'> {
  return (inputs, attrs, outs) => {
    const { momentum, dampening, nesterov, weightDecay, firstStep } = attrs;
    const y = outs.map((o) => allocateOutHandle(o as OutputInfo));
    const [h, lr] = handlesAndLr('sgdUpdate', inputs);
    const buf = momentum > 0 && !firstStep ? h[2].ptr : 0;
    const b2 = momentum > 0 ? y[1].ptr : 0;
    runStep(ctx, 'sgdStep', h[0].length, [
      h[0].ptr,
      h[1].ptr,
      buf,
      y[0].ptr,
      b2,
      lr,
      momentum,
      dampening,
      weightDecay,
      flag(nesterov),
      flag(firstStep),
    ]);
    return y;
  };
}

/** adamUpdate on SIMD: t is read from its int32 input, the per-step constants are core's `adamStepCoefficients`. */
export function simdAdamUpdate(ctx: SimdContext): MultiKernel<'adamUpdate'> {
  return (inputs, attrs, outs) => {
    const { beta1, beta2, amsgrad, decoupled, weightDecay } = attrs;
    const y = outs.map((o) => allocateOutHandle(o as OutputInfo));
    const [h, lr] = handlesAndLr('adamUpdate', inputs);
    const { a, e, decay = 1 } = adamStepCoefficients(attrs, h[4].values[0], lr);
    const vMax = amsgrad ? h[5].ptr : 0;
    const vMax2 = amsgrad ? y[3].ptr : 0;
    runStep(ctx, 'adamStep', h[0].length, [
      h[0].ptr,
      h[1].ptr,
      h[2].ptr,
      h[3].ptr,
      vMax,
      y[0].ptr,
      y[1].ptr,
      y[2].ptr,
      vMax2,
      beta1,
      beta2,
      e,
      a,
      decay,
      decoupled ? 0 : weightDecay,
      flag(amsgrad),
    ]);
    return y;
  };
}

/** rmspropUpdate (RMSprop, centered, with momentum; Adagrad as decay 1, scale 1) on SIMD. */
export function simdRmspropUpdate(ctx: SimdContext): MultiKernel<'rmspropUpdate'> {
  return (inputs, attrs, outs) => {
    const { decay, scale, eps, weightDecay, momentum, centered } = attrs;
    const y = outs.map((o) => allocateOutHandle(o as OutputInfo));
    const [h, lr] = handlesAndLr('rmspropUpdate', inputs);
    // Inputs [θ, g, v, ḡ?, b?, γ] and outputs [θ′, v′, ḡ′?, b′?]: the optional ones in that order.
    const gAvg = centered ? 3 : 0;
    const buf = momentum > 0 ? (centered ? 4 : 3) : 0;
    const at = (list: CpuHandle[], k: number) => (k > 0 ? list[k].ptr : 0);
    runStep(ctx, 'rmspropStep', h[0].length, [
      h[0].ptr,
      h[1].ptr,
      h[2].ptr,
      at(h, gAvg),
      at(h, buf),
      y[0].ptr,
      y[1].ptr,
      at(y, gAvg === 0 ? 0 : 2),
      at(y, buf === 0 ? 0 : centered ? 3 : 2),
      lr,
      decay,
      scale,
      eps,
      weightDecay,
      momentum,
      flag(centered),
    ]);
    return y;
  };
}
