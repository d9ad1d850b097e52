/** The matmul kernel: batched matrix products with transpose flags and broadcast batch axes. */
import { BackendError, sizeOf } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelFactory } from '../kernel-context.js';
import { runMatmul } from '../shaders/matmul.js';
import { matmulProblem } from '../shaders/matmul-problem.js';

/**
 * y[..., i, j] = Σₖ A[..., i, k] · B[..., k, j] with A = aᵀ when `transposeA` and B = bᵀ when
 * `transposeB`. float32 accumulates in f32 (backend-cpu uses float64); int32 wraps. The
 * variant (tiled, vec4, gemv, split-K) is chosen by shape: see `chooseMatmulVariant`.
 */
export const matmul: KernelFactory<'matmul'> =
  (k) =>
  ([a, b], { transposeA, transposeB }, out) => {
    const y = k.output(out);
    if (sizeOf(out.shape) === 0) return y;
    const batch = sizeOf(out.shape.slice(0, -2));
    if (batch > k.gpu.device.limits.maxComputeWorkgroupsPerDimension) {
      throw new BackendError(
        `matmul: the webgpu backend runs at most ${k.gpu.device.limits.maxComputeWorkgroupsPerDimension} matrices at once, got ${batch}`,
      );
    }
    runMatmul(
      k,
      'matmul',
      out.dtype === 'int32' ? 'i32' : 'f32',
      matmulProblem(a.shape, b.shape, out.shape, transposeA, transposeB),
      [bufferOf(a), bufferOf(b)],
      y,
    );
    return y;
  };
