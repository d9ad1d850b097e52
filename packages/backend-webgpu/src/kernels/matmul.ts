/** The matmul kernel: batched matrix products with transpose flags and broadcast batch axes. */
import { BackendError, type Shape, sizeOf } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelFactory } from '../kernel-context.js';
import { broadcastStrides } from '../shaders/elementwise.js';
import { runMatmul } from '../shaders/matmul.js';

const matrixSize = (shape: Shape) => sizeOf(shape.slice(-2));

/**
 * y[..., i, j] = Σₖ A[..., i, k] · B[..., k, j] with A = aᵀ when `transposeA` and B = bᵀ when
 * `transposeB`. float32 accumulates in f32 (backend-cpu uses float64); int32 wraps.
 */
export const matmul: KernelFactory<'matmul'> =
  (k) =>
  ([a, b], { transposeA, transposeB }, out) => {
    const y = k.output(out);
    if (sizeOf(out.shape) === 0) return y;
    const rank = out.shape.length;
    const batchShape = out.shape.slice(0, -2);
    const batch = sizeOf(batchShape);
    if (batch > k.gpu.device.limits.maxComputeWorkgroupsPerDimension) {
      throw new BackendError(
        `matmul: the webgpu backend runs at most ${k.gpu.device.limits.maxComputeWorkgroupsPerDimension} matrices at once, got ${batch}`,
      );
    }
    const strides = (shape: Shape) =>
      broadcastStrides(shape.slice(0, -2), batchShape).map((s) => s * matrixSize(shape));
    runMatmul(
      k,
      'matmul',
      out.dtype === 'int32' ? 'i32' : 'f32',
      {
        m: out.shape[rank - 2],
        n: out.shape[rank - 1],
        k: transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1],
        transposeA,
        transposeB,
        batchShape,
        aBatchStrides: strides(a.shape),
        bBatchStrides: strides(b.shape),
      },
      [bufferOf(a), bufferOf(b)],
      y,
    );
    return y;
  };
