/**
 * End-to-end training: loss curves on the backend under test against backend-cpu's committed
 * curves (golden/curves.json, made by scripts/reference-curves.mjs).
 */
import type { ConformanceCase } from '../case.js';
import { assertClose } from '../check/close.js';
import { loadGolden } from '../load-golden.js';
import { mnistCurve, xorCurve } from '../training/curves.js';

/** The shape of golden/curves.json. */
export interface ReferenceCurves {
  backend: string;
  xor: number[];
  mnist: number[];
}

/** Loss-curve tolerances: XOR is tiny and stays within 1e-4; MNIST sums 196-long dot products in any order, so 1e-3. */
export const CURVE_TOLERANCE = { xor: { rtol: 1e-4, atol: 1e-6 }, mnist: { rtol: 1e-3, atol: 1e-5 } };

/** The training cases. */
export const trainingCases: ConformanceCase[] = [
  {
    id: 'train/xor',
    kernels: ['matmul', 'add', 'tanh', 'sum'],
    run: async () =>
      assertClose(
        'train/xor: loss curve vs backend-cpu',
        await xorCurve(),
        loadGolden<ReferenceCurves>('curves.json').xor,
        CURVE_TOLERANCE.xor,
      ),
    timeout: 30_000,
  },
  {
    id: 'train/mnist',
    kernels: ['matmul', 'add', 'relu', 'reluGrad', 'logSoftmax'],
    run: async () =>
      assertClose(
        'train/mnist: loss curve vs backend-cpu',
        await mnistCurve(),
        loadGolden<ReferenceCurves>('curves.json').mnist,
        CURVE_TOLERANCE.mnist,
      ),
    timeout: 30_000,
  },
];
