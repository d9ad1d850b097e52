/** BatchNorm1d: batch normalization of feature vectors with learnable γ, β and PyTorch's running statistics. */
import {
  add,
  cast,
  checkOptionNames,
  formatShape,
  formatValue,
  Module,
  mean,
  mul,
  ones,
  optionNames,
  type Parameter,
  reciprocal,
  rsqrt,
  ShapeError,
  scalar,
  square,
  sub,
  type Tensor,
  ValueError,
  withoutRecording,
  zeros,
} from '@backprop/core';
import { bool, positive } from './check.js';

/** Options of {@link BatchNorm1d}. */
export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5, PyTorch's; Keras uses 1e-3). */
  eps?: number;
  /**
   * Weight of the new batch in the running statistics (default 0.1, PyTorch's; Keras' 0.99 is 1 − this).
   * `null` gives the cumulative average over all batches seen, as PyTorch's `momentum=None`.
   */
  momentum?: number | null;
  /** Learnable γ (`weight`, starts at 1) and β (`bias`, starts at 0); default true (`true` or `false` only). */
  affine?: boolean;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015) of input `[N, C]`, exactly as PyTorch's `BatchNorm1d`:
 * in training `y = γ·(x − μ_B)/√(σ²_B + ε) + β` with the batch mean and the *biased* batch variance,
 * gradients flowing through μ_B and σ²_B; the running statistics update as
 * `r ← (1 − m)·r + m·s` with the *unbiased* variance `σ²_B·N/(N−1)` (Keras stores the biased one).
 * In evaluation the running mean and variance replace the batch's. Buffers: `runningMean` (0),
 * `runningVar` (1), `numBatchesTracked` (int32). A training batch of one example is a ShapeError.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 * import { BatchNorm1d } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const bn = new BatchNorm1d(2, { momentum: 0.1, eps: 1e-5 });
 * const y = bn.forward(tensor([[1, 10], [3, 30]])); // each column normalized over the batch: [[-1, -1], [1, 1]] (≈)
 * ```
 */
export class BatchNorm1d extends Module {
  readonly weight?: Parameter;
  readonly bias?: Parameter;
  readonly eps: number;
  readonly momentum: number | null;

  constructor(
    readonly features: number,
    options: BatchNormOptions = {},
  ) {
    super();
    checkOptionNames(
      'batchNorm1d',
      options,
      optionNames<BatchNormOptions>({ eps: true, momentum: true, affine: true }),
      { aliases: { epsilon: 'eps' } },
    );
    const { eps = 1e-5, momentum = 0.1, affine = true } = options;
    if (!Number.isInteger(features) || features < 1)
      throw new ValueError(`batchNorm1d: features must be a positive integer, got ${formatValue(features)}`);
    positive('batchNorm1d', 'eps', eps);
    bool('batchNorm1d', 'affine', affine);
    if (momentum !== null && !(typeof momentum === 'number' && momentum >= 0 && momentum <= 1)) {
      throw new ValueError(`batchNorm1d: momentum must be in [0, 1] or null, got ${String(momentum)}`);
    }
    this.eps = eps;
    this.momentum = momentum;
    if (affine) {
      this.weight = this.parameter('weight', ones([features]));
      this.bias = this.parameter('bias', zeros([features]));
    }
    this.buffer('runningMean', zeros([features]));
    this.buffer('runningVar', ones([features]));
    this.buffer('numBatchesTracked', scalar(0, 'int32'));
  }

  /** Running mean (a buffer; do not dispose it). */
  get runningMean(): Tensor {
    return this.getBuffer('runningMean');
  }

  /** Running (unbiased) variance (a buffer; do not dispose it). */
  get runningVar(): Tensor {
    return this.getBuffer('runningVar');
  }

  /** Number of training batches seen (int32 scalar buffer). */
  get numBatchesTracked(): Tensor {
    return this.getBuffer('numBatchesTracked');
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.features) {
      throw new ShapeError(`batchNorm1d: expected input [N, ${this.features}], got ${formatShape(x.shape)}`);
    }
    let normalized: Tensor;
    if (this.training) {
      const n = x.shape[0];
      if (n < 2) {
        throw new ShapeError(
          `batchNorm1d: a training batch needs more than 1 example per feature, got ${formatShape(x.shape)}; use a larger batch or eval()`,
        );
      }
      const mu = mean(x, 0);
      const centered = sub(x, mu);
      const variance = mean(square(centered), 0);
      normalized = mul(centered, rsqrt(add(variance, this.eps)));
      withoutRecording(() => this.#updateRunning(mu, variance, n));
    } else {
      normalized = mul(sub(x, this.runningMean), rsqrt(add(this.runningVar, this.eps)));
    }
    return this.weight && this.bias ? add(mul(normalized, this.weight.value), this.bias.value) : normalized;
  }

  #updateRunning(mu: Tensor, biasedVar: Tensor, n: number): void {
    const count = add(this.numBatchesTracked, 1);
    const m = this.momentum ?? reciprocal(cast(count, 'float32'));
    const rest = typeof m === 'number' ? 1 - m : sub(1, m);
    const blend = (old: Tensor, batch: Tensor) => add(mul(batch, m), mul(old, rest));
    const unbiased = mul(biasedVar, n / (n - 1));
    this.buffer('runningMean', blend(this.runningMean, mu));
    this.buffer('runningVar', blend(this.runningVar, unbiased));
    this.buffer('numBatchesTracked', count);
  }
}

/**
 * A batch-normalization layer for `[N, features]` inputs: `batchNorm1d(256)`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 * import { batchNorm1d } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(20, 64, { bias: false }), batchNorm1d(64), nn.relu(), nn.dense(64, 2));
 * ```
 */
export const batchNorm1d = (features: number, options?: BatchNormOptions): BatchNorm1d =>
  new BatchNorm1d(features, options);
