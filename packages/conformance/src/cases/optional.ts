/**
 * Optional kernels (softmax, logSoftmax, softmaxCrossEntropy, dense): called directly through
 * `backend.kernels` when the backend provides them, and through core's op with the kernel
 * present and removed — the fused result and core's fallback must agree, values and gradients.
 */

import type { Backend, KernelCall, OptionalKernelName, Tensor, TensorInfo } from '@backprop/core';
import * as core from '@backprop/core';
import { type ConformanceCase, NotApplicable } from '../case.js';
import { assertClose, assertShape } from '../check/close.js';
import { recordDispatch } from '../check/dispatches.js';
import { evaluate, type Read } from '../check/evaluate.js';
import { broadcastHost, type Host, host, matmulHost, toTensor, uniform } from '../check/host.js';
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
];
