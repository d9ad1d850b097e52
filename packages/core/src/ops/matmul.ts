/** matmul: batched matrix product with transpose flags, and its gradient. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptionNames, optionNames } from '../validate.js';
import { operands, requireNumeric } from './operand.js';
import { unbroadcast } from './unbroadcast.js';

/** Whether to use the transpose of each operand's last two axes. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** Every option of {@link matmul}. */
const MATMUL_OPTIONS = optionNames<MatmulOptions>({ transposeA: true, transposeB: true });

/** TF.js' and NumPy-style names for matmul's options (built once: matmul is on every step's path). */
const MATMUL_NAMES = {
  aliases: { transpose_a: 'transposeA', transpose_b: 'transposeB', adjointA: 'transposeA', adjointB: 'transposeB' },
};

/**
 * C = op(A)·op(B) over the last two axes, op = transpose when its flag is set; leading
 * (batch) axes broadcast. Both operands need rank ≥ 2.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { matmul, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).data()); // Float32Array [17, 39], shape [2, 1]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkOptionNames('matmul', options, MATMUL_OPTIONS, MATMUL_NAMES);
  const { transposeA = false, transposeB = false } = options;
  const [ta, tb] = operands('matmul', a, b);
  requireNumeric('matmul', ta);
  if (ta.rank < 2 || tb.rank < 2) {
    throw new ShapeError(
      `matmul: both operands need rank ≥ 2, got a${formatShape(ta.shape)} and b${formatShape(tb.shape)}`,
    );
  }
  const [m, k] = transposeA
    ? [ta.shape[ta.rank - 1], ta.shape[ta.rank - 2]]
    : [ta.shape[ta.rank - 2], ta.shape[ta.rank - 1]];
  const [k2, n] = transposeB
    ? [tb.shape[tb.rank - 1], tb.shape[tb.rank - 2]]
    : [tb.shape[tb.rank - 2], tb.shape[tb.rank - 1]];
  if (k !== k2) {
    throw new ShapeError(
      `matmul: inner dimensions differ, got a${formatShape(ta.shape)}${transposeA ? 'ᵀ' : ''} and b${formatShape(tb.shape)}${transposeB ? 'ᵀ' : ''} (${k} ≠ ${k2})`,
    );
  }
  const batch = broadcastShapes('matmul', ta.shape.slice(0, -2), tb.shape.slice(0, -2));
  const y = runKernel('matmul', [ta, tb], { transposeA, transposeB }, { shape: [...batch, m, n], dtype: ta.dtype });
  return record('matmul', y, [ta, tb], (dy, [needA, needB]) => [
    needA ? unbroadcast(gradOfA(dy, tb, transposeA, transposeB), ta.shape) : null,
    needB ? unbroadcast(gradOfB(dy, ta, transposeA, transposeB), tb.shape) : null,
  ]);
}

/** ∂/∂a of Σ(dy · matmul(a, b)) for the four transpose cases. */
function gradOfA(dy: Tensor, b: Tensor, tA: boolean, tB: boolean): Tensor {
  if (!tA) return matmul(dy, b, { transposeB: !tB });
  return matmul(b, dy, { transposeA: tB, transposeB: true });
}

/** ∂/∂b of Σ(dy · matmul(a, b)) for the four transpose cases. */
function gradOfB(dy: Tensor, a: Tensor, tA: boolean, tB: boolean): Tensor {
  if (!tB) return matmul(a, dy, { transposeA: !tA });
  return matmul(dy, a, { transposeA: true, transposeB: tA });
}
