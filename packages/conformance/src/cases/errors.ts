/**
 * Typed errors for bad input, thrown by core before dispatch so every backend fails the same
 * way (and leaves nothing allocated), and a BackendError naming the kernel and the backend
 * when a backend lacks a required kernel.
 */
import * as core from '@backprop/core';
import { BackendError, DisposedError, DTypeError, IndexError, ShapeError, ValueError } from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { assert } from '../check/close.js';
import { assertThrows, evaluate } from '../check/evaluate.js';
import { usingBackend, withoutKernels } from '../check/wrap-backend.js';

type Ctor = abstract new (...a: never[]) => Error;

const ERRORS: [string, () => unknown, Ctor, string | RegExp][] = [
  [
    'matmul-inner',
    () => core.matmul(core.ones([2, 3]), core.ones([4, 5])),
    ShapeError,
    'matmul: inner dimensions differ, got a[2,3] and b[4,5] (3 ≠ 4)',
  ],
  [
    'matmul-inner/transposed',
    () => core.matmul(core.ones([2, 3]), core.ones([4, 5]), { transposeA: true }),
    ShapeError,
    'matmul: inner dimensions differ, got a[2,3]ᵀ and b[4,5] (2 ≠ 4)',
  ],
  [
    'matmul-rank',
    () => core.matmul(core.ones([3]), core.ones([3, 2])),
    ShapeError,
    /^matmul: both operands need rank ≥ 2/,
  ],
  [
    'broadcast',
    () => core.add(core.ones([2, 3]), core.ones([4])),
    ShapeError,
    'add: shapes [2,3] and [4] do not broadcast (axis 1: 3 vs 4)',
  ],
  ['broadcastTo', () => core.broadcastTo(core.ones([3]), [3, 2]), ShapeError, /^broadcastTo: /],
  [
    'dtype/float-op-on-int32',
    () => core.exp(core.ones([2], 'int32')),
    DTypeError,
    'exp: expected a float32 tensor, got int32[2]',
  ],
  ['dtype/mixed', () => core.add(core.ones([2]), core.ones([2], 'int32')), DTypeError, /^add: dtypes differ/],
  ['dtype/bool-arithmetic', () => core.add(core.ones([2], 'bool'), core.ones([2], 'bool')), DTypeError, /^add: /],
  [
    'dtype/where-condition',
    () => core.where(core.ones([2]), core.ones([2]), core.ones([2])),
    DTypeError,
    'where: condition must be bool, got float32[2]',
  ],
  [
    'dtype/gather-indices',
    () => core.gather(core.ones([3]), core.ones([2]), 0),
    DTypeError,
    /^gather: expected an int32 tensor/,
  ],
  ['dtype/mean-int32', () => core.mean(core.ones([2], 'int32')), DTypeError, /^mean: /],
  ['axis/sum', () => core.sum(core.ones([2, 3]), 2), ValueError, 'sum: axis must be an integer in [-2, 2), got 2'],
  ['axis/argmax', () => core.argmax(core.ones([2, 3]), -3), ValueError, /^argmax: axis must be an integer/],
  // An empty axis has no index to give: kernels answered −1, which counted as a wrong class.
  [
    'empty-axis/argmax',
    () => core.argmax(core.zeros([2, 0]), 1),
    ValueError,
    'argmax: axis 1 of shape [2,0] is empty, so there is no index to return (PyTorch and NumPy raise here too)',
  ],
  [
    'empty-axis/argmin',
    () => core.argmin(core.zeros([3, 0, 2]), 1),
    ValueError,
    /^argmin: axis 1 of shape \[3,0,2\] is empty/,
  ],
  ['axis/softmax', () => core.softmax(core.ones([2, 3]), 5), ValueError, /^softmax: axis/],
  ['axis/concat', () => core.concat([core.ones([2]), core.ones([2])], 1), ValueError, /^concat: axis/],
  [
    'transpose-perm',
    () => core.transpose(core.ones([2, 3]), [0, 0]),
    ValueError,
    /^transpose: perm must be a permutation/,
  ],
  ['reshape', () => core.reshape(core.ones([2, 3]), [4, 2]), ShapeError, /^reshape: cannot reshape \[2,3\]/],
  ['slice-bounds', () => core.slice(core.ones([2, 3]), [1, 1], [2, 1]), ShapeError, /^slice: box/],
  [
    'concat-shapes',
    () => core.concat([core.ones([2, 3]), core.ones([3, 3])], 1),
    ShapeError,
    /^concat: shapes \[2,3\] and \[3,3\] differ/,
  ],
  ['pad-negative', () => core.pad(core.ones([2]), [[-1, 0]]), ValueError, /^pad: /],
  ['tensor-ragged', () => core.tensor([[1, 2], [3]]), ShapeError, /^tensor: nested arrays are ragged/],
  ['losses/shape', () => core.losses.mse(core.ones([2, 3]), core.ones([3, 2])), ShapeError, /^mse: /],
  ['random/bad-p', () => core.bernoulli([2], 1.5), ValueError, /^bernoulli: p must be in \[0, 1\]/],
];

/**
 * Indices and class labels out of range, written from the host: core checks them on every
 * backend (one that reads only asynchronously keeps the host's copy of int32 values for it).
 */
const INDEX_ERRORS: [string, () => unknown, string | RegExp][] = [
  [
    'index/gather',
    () => core.gather(core.ones([5]), core.tensor(Int32Array.from([0, 4, 5]))),
    /^gather: index 5 at position 2 is out of range \[0, 5\)/,
  ],
  [
    'index/gather-negative',
    () => core.gather(core.ones([5]), core.tensor(Int32Array.from([-1]))),
    /^gather: index -1 at position 0/,
  ],
  [
    'index/oneHot',
    () => core.oneHot(core.tensor(Int32Array.from([2, 0, 5])), 3),
    /^oneHot: index 5 at position 2 is out of range \[0, 3\)/,
  ],
  [
    'index/softmaxCrossEntropy-label',
    () => core.losses.softmaxCrossEntropy(core.ones([2, 3]), core.tensor(Int32Array.from([0, 7]))),
    /^softmaxCrossEntropy: label 7 at position 1 is out of range \[0, 3\)/,
  ],
];

/** The error cases. */
export const errorCases: ConformanceCase[] = [
  ...INDEX_ERRORS.map(
    ([id, fn, message]): ConformanceCase => ({
      id: `errors/${id}`,
      kernels: [],
      run: async () => assertThrows(`errors/${id}`, fn, IndexError, message),
    }),
  ),
  ...ERRORS.map(
    ([id, fn, type, message]): ConformanceCase => ({
      id: `errors/${id}`,
      kernels: [],
      run: async () => assertThrows(`errors/${id}`, fn, type, message),
    }),
  ),
  {
    id: 'errors/disposed',
    kernels: [],
    run: async () => {
      const x = core.ones([2, 2]);
      x.dispose();
      assertThrows('errors/disposed (op)', () => core.exp(x), DisposedError, /^exp: tensor #\d+ \[2,2\] was disposed$/);
      let error: unknown;
      try {
        await x.data();
      } catch (e) {
        error = e;
      }
      assert(
        error instanceof DisposedError,
        `errors/disposed: data() after dispose should throw DisposedError, got ${String(error)}`,
      );
      x.dispose();
    },
  },
  {
    id: 'errors/missing-kernel',
    kernels: [],
    run: async ({ backend }) => {
      const crippled = withoutKernels(backend, ['exp'], `${backend.name}-without-exp`);
      await usingBackend(crippled, backend, async () => {
        assertThrows(
          'errors/missing-kernel',
          () => core.exp(core.ones([2])),
          BackendError,
          `exp: backend "${backend.name}-without-exp" has no kernel "exp"; it is required by the contract`,
        );
        // Everything else still works on the crippled backend.
        const [y] = await evaluate(() => core.add(core.ones([2]), 1));
        assert(y.values[0] === 2 && y.values[1] === 2, 'errors/missing-kernel: add should still work');
      });
    },
  },
  {
    id: 'errors/other-backend',
    kernels: [],
    run: async ({ backend }) => {
      const x = core.ones([2]);
      try {
        await usingBackend(withoutKernels(backend, [], 'elsewhere'), backend, async () => {
          assertThrows(
            'errors/other-backend',
            () => core.exp(x),
            BackendError,
            /^exp: a tensor lives on backend ".*" but the current backend is "elsewhere"/,
          );
        });
      } finally {
        x.dispose();
      }
    },
  },
];
