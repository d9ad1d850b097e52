/** Storage and memory: exact round trips per dtype, reads that are copies, handle accounting, tidy, views and gradients that free their intermediates. */

import type { Tensor } from '@backprop/core';
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { assert, assertClose, EXACT } from '../check/close.js';
import { evaluate, valueCase } from '../check/evaluate.js';
import { host } from '../check/host.js';

const handles = () => core.memory().handles;
const FLOATS = [
  0,
  -0,
  1.5,
  -3.25e-7,
  3.4028234663852886e38,
  -1e-30,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

/** The storage and memory cases. */
export const memoryCases: ConformanceCase[] = [
  valueCase({
    id: 'storage/roundtrip',
    kernels: [],
    f: () => [
      core.tensor(Float32Array.from(FLOATS)),
      core.tensor(Int32Array.from([-2147483648, -1, 0, 1, 2147483647])),
      core.tensor(Uint8Array.from([1, 0, 1]), [3], 'bool'),
      core.tensor(new Float32Array(0), [2, 0]),
      core.tensor(Float32Array.from([4.5]), []),
    ],
    expected: [
      host(Array.from(Float32Array.from(FLOATS))),
      host([-2147483648, -1, 0, 1, 2147483647], [5], 'int32'),
      host([1, 0, 1], [3], 'bool'),
      host([], [2, 0]),
      host([4.5], []),
    ],
    tol: EXACT,
  }),
  {
    id: 'storage/read-is-a-copy',
    kernels: [],
    run: async () => {
      const source = Float32Array.from([1, 2, 3]);
      const x = core.tensor(source);
      try {
        source[0] = 99;
        const first = await x.data();
        assert(
          first[0] === 1,
          `storage/read-is-a-copy: writing to the source array changed the tensor (got ${first[0]})`,
        );
        first[1] = 99;
        const second = await x.data();
        assertClose('storage/read-is-a-copy', second, [1, 2, 3], EXACT);
        assert(
          first.constructor === Float32Array,
          `storage/read-is-a-copy: float32 reads must be Float32Array, got ${first.constructor.name}`,
        );
      } finally {
        x.dispose();
      }
    },
  },
  {
    id: 'storage/typed-arrays',
    kernels: [],
    run: async () => {
      const [f, i, b] = await evaluate(() => [core.ones([2]), core.ones([2], 'int32'), core.ones([2], 'bool')]);
      assert(
        f.dtype === 'float32' && i.dtype === 'int32' && b.dtype === 'bool',
        'storage/typed-arrays: dtypes changed',
      );
      const xs = [core.ones([2]), core.ones([2], 'int32'), core.ones([2], 'bool')];
      try {
        const arrays = await Promise.all(xs.map((x) => x.data()));
        const names = arrays.map((a) => a.constructor.name).join(', ');
        assert(
          names === 'Float32Array, Int32Array, Uint8Array',
          `storage/typed-arrays: expected Float32Array, Int32Array, Uint8Array, got ${names}`,
        );
      } finally {
        core.dispose(xs);
      }
    },
  },
  {
    id: 'memory/dispose-frees-handles',
    kernels: ['fill', 'add'],
    run: async () => {
      const before = handles();
      const a = core.ones([3]);
      const b = core.add(a, a);
      assert(
        handles() === before + 2,
        `memory/dispose-frees-handles: expected ${before + 2} handles after two tensors, got ${handles()}`,
      );
      a.dispose();
      b.dispose();
      assert(
        handles() === before,
        `memory/dispose-frees-handles: expected ${before} handles after dispose, got ${handles()}`,
      );
      a.dispose(); // a second dispose is a no-op
      assert(handles() === before, 'memory/dispose-frees-handles: a second dispose changed the handle count');
    },
  },
  {
    id: 'memory/tidy',
    kernels: ['fill', 'exp', 'add'],
    run: async () => {
      const before = handles();
      const kept = core.tidy(() => core.add(core.exp(core.ones([4])), core.ones([4])));
      assert(
        handles() === before + 1,
        `memory/tidy: expected only the result to survive (${before + 1} handles), got ${handles()}`,
      );
      assertClose('memory/tidy', await kept.data(), [Math.E + 1, Math.E + 1, Math.E + 1, Math.E + 1]);
      kept.dispose();
    },
  },
  {
    id: 'memory/views-share-storage',
    kernels: ['fill'],
    run: async () => {
      const before = handles();
      const x = core.ones([2, 3]);
      const v = core.reshape(x, [3, 2]);
      assert(
        handles() === before + 1,
        `memory/views-share-storage: reshape should not allocate (expected ${before + 1} handles, got ${handles()})`,
      );
      x.dispose();
      assertClose('memory/views-share-storage', await v.data(), [1, 1, 1, 1, 1, 1], EXACT);
      v.dispose();
      assert(handles() === before, 'memory/views-share-storage: the storage outlived its last view');
    },
  },
  {
    id: 'memory/grad-frees-intermediates',
    kernels: ['exp', 'mul', 'sum'],
    run: async () => {
      const x = core.tensor([0.5, -1, 2]);
      const before = handles();
      const { value, grads } = core.valueAndGrad((t: Tensor) => core.sum(core.mul(core.exp(t), core.tanh(t))))(x);
      assert(
        handles() === before + 2,
        `memory/grad-frees-intermediates: expected only value and gradient (${before + 2} handles), got ${handles()}`,
      );
      core.dispose([x, value, grads]);
    },
  },
  {
    id: 'memory/layer-init-outside-tidy',
    kernels: ['randomUniform'],
    run: async () => {
      // A layer made outside tidy must hold only its parameters: the initializers' intermediates are freed.
      const before = handles();
      const layer = new core.nn.Dense(3, 2, { seed: 1 });
      const extra = handles() - before - 2;
      for (const p of layer.parameters()) p.dispose();
      assert(
        extra === 0,
        `memory/layer-init-outside-tidy: new Dense(3, 2) left ${extra} handles besides its 2 parameters`,
      );
    },
  },
  {
    id: 'memory/failed-op-allocates-nothing',
    kernels: [],
    run: async () => {
      const a = core.ones([2, 3]);
      const before = handles();
      try {
        core.matmul(a, a);
      } catch {
        // expected
      }
      assert(
        handles() === before,
        `memory/failed-op-allocates-nothing: a rejected matmul left ${handles() - before} handles`,
      );
      a.dispose();
    },
  },
];
