/** The seeded MLP workload every system trains on: layer sizes, initial weights and input batches. */

/** The MLP training workload: identical values for every system. */
export interface MlpWorkload {
  /** Layer widths, input first: [784, 512, 512, 10]. */
  sizes: readonly number[];
  /** Examples per step. */
  batchSize: number;
  /** Per layer: W as [inputs, units] row-major and b as [units]. */
  layers: { weight: Float32Array; bias: Float32Array }[];
  /** Batches cycled through, step after step: x [batchSize, sizes[0]] in [0, 1), labels int32 [batchSize]. */
  batches: { x: Float32Array; y: Int32Array }[];
  /** Number of classes (the last width). */
  classes: number;
}

/** Options of {@link mlpWorkload}. */
export interface MlpWorkloadOptions {
  sizes?: readonly number[];
  batchSize?: number;
  /** Distinct batches to cycle through (default 4). */
  batchCount?: number;
  seed?: number;
}

/** mulberry32: a small 32-bit seeded generator, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds the workload: weights and biases drawn from PyTorch's Linear default U(±1/√fan_in),
 * MNIST-shaped random inputs in [0, 1) and uniform random labels, all from one seed.
 */
export function mlpWorkload({
  sizes = [784, 512, 512, 10],
  batchSize = 128,
  batchCount = 4,
  seed = 0,
}: MlpWorkloadOptions = {}): MlpWorkload {
  const rand = mulberry32(seed);
  const uniform = (n: number, limit: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * limit);
  const layers = sizes.slice(1).map((units, i) => {
    const limit = 1 / Math.sqrt(sizes[i]);
    return { weight: uniform(sizes[i] * units, limit), bias: uniform(units, limit) };
  });
  const classes = sizes[sizes.length - 1];
  const batches = Array.from({ length: batchCount }, () => ({
    x: Float32Array.from({ length: batchSize * sizes[0] }, rand),
    y: Int32Array.from({ length: batchSize }, () => Math.floor(rand() * classes)),
  }));
  return { sizes, batchSize, layers, batches, classes };
}

/** GFLOP/s of an n×n by n×n float32 matmul (2n³ FLOPs) that took `ms` milliseconds. */
export const squareMatmulGflops = (n: number, ms: number): number => (2 * n ** 3) / (ms * 1e6);

/**
 * Matmul FLOPs of one training step, what the step must compute: each layer's forward and weight
 * gradient, and the input gradient of every layer but the first (its input is data, which needs
 * no gradient — PyTorch and backprop both skip it): 2·B·(2·Σ in·out + Σ_{l>1} in·out).
 */
export function mlpStepFlops(w: MlpWorkload): number {
  let macs = 0;
  for (let i = 1; i < w.sizes.length; i++) macs += (i === 1 ? 2 : 3) * w.sizes[i - 1] * w.sizes[i];
  return 2 * w.batchSize * macs;
}
