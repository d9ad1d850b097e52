/**
 * Optional kernels (softmax, logSoftmax, softmaxCrossEntropy and its gradient, dense,
 * finiteFlags, relu and reluGrad): called directly through
 * `backend.kernels` when the backend provides them, and through core's op with the kernel
 * present and removed — the fused result and core's fallback must agree, values and gradients.
 */

import type { Backend, KernelCall, OptionalKernelName, Tensor, TensorInfo } from '@backprop/core';
import * as core from '@backprop/core';
import { type ConformanceCase, NotApplicable } from '../case.js';
import { assertClose, assertShape } from '../check/close.js';
import { recordDispatch } from '../check/dispatches.js';
import { evaluate, type Read } from '../check/evaluate.js';
import { broadcastHost, type Host, host, matmulHost, toTensor, uniform, uniformValues } from '../check/host.js';
import { softmaxRows } from '../check/reduce-host.js';
import { usingBackend, withoutKernels } from '../check/wrap-backend.js';

const TOL = { rtol: 1e-5, atol: 1e-6 };

/** Calls `name` directly on the backend's kernel table with host inputs; returns the output values. */
async function direct(
  backend: Backend,
  name: OptionalKernelName,
  inputs: Host[],
  attrs: object,
  out: Host,
): Promise<number[]> {
  const kernel = backend.kernels[name] as
    | ((i: TensorInfo[], a: object, o: { shape: readonly number[]; dtype: string }, c: KernelCall) => object)
    | undefined;
  if (typeof kernel !== 'function')
    throw new NotApplicable(`backend "${backend.name}" has no optional kernel "${name}"`);
  recordDispatch(name);
  const infos: TensorInfo[] = inputs.map((h) => {
    const dtype = h.dtype ?? 'float32';
    const values = dtype === 'int32' ? Int32Array.from(h.values) : Float32Array.from(h.values);
    return { handle: backend.write(values, h.shape, dtype), shape: h.shape, dtype };
  });
  try {
    // As core dispatches: the call context in, the output registered with the backend.
    const handle = kernel(infos, attrs, { shape: out.shape, dtype: out.dtype ?? 'float32' }, { backend, name });
    backend.registerOutput?.(handle);
    try {
      return Array.from(await backend.read(handle, out.shape, out.dtype ?? 'float32'));
    } finally {
      backend.dispose(handle);
    }
  } finally {
    for (const i of infos) backend.dispose(i.handle);
  }
}

const SIZES: [number, number][] = [
  [4, 7],
  [1, 1],
  [3, 129],
  [13, 33],
];

/** Compares the op's values and gradients with the backend as is and without kernel `name` (core's fallback). */
function fusedVsFallback(name: OptionalKernelName, inputs: Host[], f: (...xs: Tensor[]) => Tensor): ConformanceCase {
  const run = () =>
    evaluate(() => {
      const xs = inputs.map(toTensor);
      const float = xs.filter((x) => x.dtype === 'float32');
      const { value, grads } = core.vjp(
        (...w: Tensor[]) => f(...xs.map((x) => (x.dtype === 'float32' ? w[float.indexOf(x)] : x))),
        float,
      );
      return [value, ...grads];
    });
  return {
    id: `optional/${name}/fused-vs-fallback`,
    kernels: [name],
    run: async ({ backend }) => {
      const fused: Read[] = await run();
      const fallback: Read[] = await usingBackend(withoutKernels(backend, [name]), backend, run);
      fused.forEach((r, i) => {
        const label = `optional/${name}/fused-vs-fallback (${i === 0 ? 'value' : `gradient ${i - 1}`})`;
        assertShape(label, r.shape, fallback[i].shape);
        assertClose(label, r.values, fallback[i].values, { rtol: 1e-5, atol: 1e-6 });
      });
    },
  };
}

const logits = uniform(800, [5, 7], -3, 3);
const labels = host([6, 0, 3, 3, 1], [5], 'int32');
const x = uniform(801, [5, 6]);
const w = uniform(802, [6, 3]);
const b = uniform(803, [3]);

/** The optional-kernel cases. */
export const optionalCases: ConformanceCase[] = [
  ...(['softmax', 'logSoftmax'] as const).map(
    (name): ConformanceCase => ({
      id: `optional/${name}/direct`,
      kernels: [name],
      run: async ({ backend }) => {
        for (const [i, [r, c]] of SIZES.entries()) {
          const h = uniform(810 + i, [r, c], -5, 5);
          const want = softmaxRows(h, name === 'logSoftmax');
          assertClose(
            `optional/${name}/direct [${r},${c}]`,
            await direct(backend, name, [h], {}, host([], [r, c])),
            want.values,
            { rtol: 1e-5, atol: 1e-5 },
          );
        }
      },
    }),
  ),
  {
    id: 'optional/softmaxCrossEntropy/direct',
    kernels: ['softmaxCrossEntropy'],
    run: async ({ backend }) => {
      const lp = softmaxRows(logits, true);
      const want = labels.values.map((l, r) => -lp.values[r * 7 + l]);
      assertClose(
        'optional/softmaxCrossEntropy/direct',
        await direct(backend, 'softmaxCrossEntropy', [logits, labels], {}, host([], [5])),
        want,
        { rtol: 1e-5, atol: 1e-5 },
      );
    },
  },
  ...[
    { rows: 5, cols: 7, dy: 0.75, seed: 870 },
    // Large enough that a threaded backend splits the rows.
    { rows: 300, cols: 1000, dy: -2.5, seed: 871 },
  ].map(
    ({ rows, cols, dy, seed }): ConformanceCase => ({
      id: `optional/softmaxCrossEntropyGrad/direct/${rows}x${cols}`,
      kernels: ['softmaxCrossEntropyGrad'],
      run: async ({ backend }) => {
        const z = uniform(seed, [rows, cols], -3, 3);
        // Every class, and labels at both ends of the row.
        const y = host(
          Array.from({ length: rows }, (_, r) => (r === 0 ? cols - 1 : (r * 7) % cols)),
          [rows],
          'int32',
        );
        const p = softmaxRows(z, false);
        const want = p.values.map((v, i) => ((v - (y.values[Math.floor(i / cols)] === i % cols ? 1 : 0)) / rows) * dy);
        assertClose(
          `optional/softmaxCrossEntropyGrad/direct [${rows},${cols}]`,
          await direct(backend, 'softmaxCrossEntropyGrad', [z, y, host([dy], [])], {}, host([], [rows, cols])),
          want,
          { rtol: 1e-5, atol: 1e-7 },
        );
      },
    }),
  ),
  {
    id: 'optional/dense/direct',
    kernels: ['dense'],
    run: async ({ backend }) => {
      const pre = broadcastHost([matmulHost(x, w), b], (p, q) => p + q);
      const got = await direct(backend, 'dense', [x, w, b], {}, host([], [5, 3]));
      assertClose('optional/dense/direct', got, pre.values, TOL);
      const big = [uniform(820, [33, 65]), uniform(821, [65, 13]), uniform(822, [13])];
      const want = broadcastHost([matmulHost(big[0], big[1]), big[2]], (p, q) => p + q);
      assertClose(
        'optional/dense/direct (odd sizes)',
        await direct(backend, 'dense', big, {}, host([], [33, 13])),
        want.values,
        { rtol: 1e-5, atol: 1e-4 },
      );
    },
  },
  fusedVsFallback('softmax', [logits], (z) => core.softmax(z)),
  fusedVsFallback('logSoftmax', [logits], (z) => core.logSoftmax(z)),
  fusedVsFallback('softmaxCrossEntropy', [logits, labels], (z, y) => core.losses.softmaxCrossEntropy(z, y)),
  fusedVsFallback('softmaxCrossEntropyGrad', [logits, labels], (z, y) => core.losses.softmaxCrossEntropy(z, y)),
  {
    id: 'optional/dense/fused-vs-fallback',
    kernels: ['dense'],
    run: async ({ backend }) => {
      // The fused kernel is reached only through nn.Dense; the layer's parameters are kept, so free them here.
      const run = async () => {
        const layer = new core.nn.Dense(6, 3, { weightInit: () => toTensor(w), biasInit: () => toTensor(b) });
        try {
          return await evaluate(() => {
            const { value, grads } = core.vjp(
              (xi: Tensor) => layer.forward(xi),
              [toTensor(x), layer.weight.value, layer.bias!.value],
            );
            return [value, ...grads];
          });
        } finally {
          for (const p of layer.parameters()) p.dispose();
        }
      };
      const fused = await run();
      const fallback = await usingBackend(withoutKernels(backend, ['dense']), backend, run);
      fused.forEach((r, i) =>
        assertClose(`optional/dense/fused-vs-fallback (output ${i})`, r.values, fallback[i].values, TOL),
      );
    },
  },
  ...finiteFlagCases(),
  ...reluCases(),
];

/** The special float32 values ReLU must select exactly: signed zeros, NaN, infinities, subnormals, extremes. */
const RELU_SPECIALS = [
  -0,
  0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e-45,
  -1e-45,
  3.4e38,
  -3.4e38,
];

/** `n` seeded values in [−2, 2] with the specials spread over them (vector bodies, tails and split points). */
function reluValues(seed: number, n: number): number[] {
  const v = uniformValues(seed, n, -2, 2);
  RELU_SPECIALS.forEach((s, k) => {
    for (const at of [k, n - 1 - k, (n >> 1) + k]) if (at >= 0 && at < n) v[at] = s;
  });
  return v.map(Math.fround);
}

/** Throws unless `got` equals `want` element for element, telling −0 from +0 and NaN equal to NaN. */
function assertSameBits(id: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length) throw new Error(`${id}: ${got.length} values, expected ${want.length}`);
  got.forEach((g, i) => {
    if (!Object.is(g, want[i]))
      throw new Error(
        `${id}: element ${i} is ${Object.is(g, -0) ? '-0' : g}, expected ${Object.is(want[i], -0) ? '-0' : want[i]}`,
      );
  });
}

/**
 * `relu` and `reluGrad`: exactly core's selects (`where(x ≤ 0, 0, x)`, `where(x > 0, dy, 0)`):
 * +0 for −0 and for every x ≤ 0, NaN kept by relu and zeroed by reluGrad, dy's −0 and NaN passed
 * where x > 0; at sizes up to 2²⁰ + 5, which a threaded backend splits. Then core's `relu`, value
 * and gradient, with the kernels present and removed.
 */
function reluCases(): ConformanceCase[] {
  const sizes = [1, 7, 64, 1001, (1 << 20) + 5];
  // biome-ignore lint/complexity/useMathMinMax: the reference is core's select itself, written out
  const reluOf = (x: number) => (x <= 0 ? 0 : x);
  const gradOf = (x: number, d: number) => (x > 0 ? d : 0);
  // Each kernel's inputs (x, and for reluGrad dy with its specials at other places than x's, so each meets both
  // signs of x) and the values it must give.
  const kernelsUnderTest = [
    { name: 'relu', seed: 830, inputs: (x: Host): Host[] => [x], want: (x: Host) => x.values.map(reluOf) },
    {
      name: 'reluGrad',
      seed: 840,
      inputs: (x: Host, n: number, i: number): Host[] => [x, host(reluValues(850 + i, n).reverse())],
      want: (x: Host, dy: Host) => x.values.map((v, k) => gradOf(v, dy.values[k])),
    },
  ] as const;
  return [
    ...kernelsUnderTest.flatMap(({ name, seed, inputs, want }) =>
      sizes.map(
        (n, i): ConformanceCase => ({
          id: `optional/${name}/direct/${n}`,
          kernels: [name],
          run: async ({ backend }) => {
            const hosts = inputs(host(reluValues(seed + i, n)), n, i);
            const got = await direct(backend, name, hosts, {}, host([], [n]));
            assertSameBits(`optional/${name}/direct/${n}`, got, want(hosts[0], hosts[1]));
          },
        }),
      ),
    ),
    {
      id: 'optional/relu/fused-vs-fallback',
      kernels: ['relu', 'reluGrad'],
      run: async ({ backend }) => {
        if (typeof backend.kernels.relu !== 'function' && typeof backend.kernels.reluGrad !== 'function')
          throw new NotApplicable(`backend "${backend.name}" has neither relu nor reluGrad`);
        const x = host(reluValues(860, 1001), [7, 143]);
        const c = host(reluValues(861, 1001).reverse(), [7, 143]);
        // The gradient of relu(x)·c is reluGrad(x, c): c reaches relu's backward as dy unchanged.
        const run = () =>
          evaluate(() => {
            const { value, grads } = core.vjp((xi: Tensor) => core.mul(core.relu(xi), toTensor(c)), [toTensor(x)]);
            return [core.relu(toTensor(x)), value, ...grads];
          });
        const fused = await run();
        const fallback = await usingBackend(withoutKernels(backend, ['relu', 'reluGrad']), backend, run);
        const want = [x.values.map(reluOf), null, x.values.map((v, k) => gradOf(v, c.values[k]))];
        fused.forEach((r, i) => {
          const label = `optional/relu/fused-vs-fallback (output ${i})`;
          assertShape(label, r.shape, fallback[i].shape);
          assertSameBits(label, Array.from(r.values), Array.from(fallback[i].values));
          const w = want[i];
          if (w) assertSameBits(`${label} against the host`, Array.from(r.values), w);
        });
      },
    },
  ];
}

/**
 * `finiteFlags`: per input 0 when every value is finite, NaN at any NaN or ±∞ wherever it sits
 * (first, in the middle, in a vector body or its tail), never a false alarm for values whose sum
 * would overflow (alone or beside non-finite inputs), −0 or subnormals; and core's fallback agrees.
 */
function finiteFlagCases(): ConformanceCase[] {
  const at = (n: number, i: number, v: number) => host(uniformValues(n, n).map((x, k) => (k === i ? v : x)));
  const sets: [string, Host[]][] = [
    ['finite', [host([0]), uniform(1, [7]), uniform(2, [64]), uniform(3, [1001])]],
    ['huge', [host(Array.from({ length: 515 }, (_, i) => (i % 2 ? 3.4e38 : -3.4e38)))]],
    // Sums that overflow in any order, beside a NaN and an infinity: a backend that first sums each
    // input and checks exactly only when a sum is not finite must still flag only the last two.
    [
      'huge-beside-nan',
      [
        host(Array.from({ length: 9 }, () => 3.4e38)),
        host(Array.from({ length: 1001 }, () => -3.4e38)),
        at(7, 3, Number.NaN),
        at(64, 63, Number.NEGATIVE_INFINITY),
      ],
    ],
    ['zeros-subnormals', [host([-0, 0, 1e-45, -1e-45, 1.1e-38]), host(Array.from({ length: 130 }, () => -0))]],
    ...[1, 7, 64, 1001].map((n): [string, Host[]] => [
      `nan/${n}`,
      [at(n, 0, Number.NaN), at(n, n - 1, Number.NaN), at(n, n >> 1, Number.NaN), uniform(n, [n])],
    ]),
    ...[7, 1001].map((n): [string, Host[]] => [
      `infinity/${n}`,
      [at(n, n - 1, Number.POSITIVE_INFINITY), at(n, 3 % n, Number.NEGATIVE_INFINITY), uniform(n + 1, [n])],
    ]),
  ];
  const expected = (inputs: Host[]) => inputs.map((h) => (h.values.every(Number.isFinite) ? 0 : Number.NaN));
  return sets.map(([variant, inputs]) => ({
    id: `optional/finiteFlags/${variant}`,
    kernels: ['finiteFlags'],
    run: async ({ backend }) => {
      const id = `optional/finiteFlags/${variant}`;
      const want = expected(inputs);
      const got = await direct(backend, 'finiteFlags', inputs, {}, host(want));
      got.forEach((g, k) => {
        if (!Object.is(g === 0 ? 0 : g, want[k]))
          throw new Error(`${id}: input ${k}'s flag is ${g}, expected ${want[k]}`);
      });
      const viaOp = async (b: Backend) =>
        usingBackend(b, backend, async () => {
          const ts = inputs.map(toTensor);
          try {
            return Array.from(await evaluateFlags(ts));
          } finally {
            core.dispose(ts);
          }
        });
      const [withKernel, fallback] = [await viaOp(backend), await viaOp(withoutKernels(backend, ['finiteFlags']))];
      for (const [what, flags] of [
        ['through core', withKernel],
        ['core fallback', fallback],
      ] as const)
        flags.forEach((g, k) => {
          if (!Object.is(g === 0 ? 0 : g, want[k]))
            throw new Error(`${id} (${what}): input ${k}'s flag is ${g}, expected ${want[k]}`);
        });
    },
  }));
}

/** The flags of `ts` through core's op, the result freed once read. */
async function evaluateFlags(ts: Tensor[]): Promise<ArrayLike<number>> {
  const flags = core.finiteFlags(ts);
  try {
    return await flags.data();
  } finally {
    flags.dispose();
  }
}
