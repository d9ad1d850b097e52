/** The SIMD and threaded paths against the scalar path: matmul (all transpose cases, odd and blocked sizes) and dense. */
import type { Backend, DType, FusedActivation, Shape, TensorInfo } from '@backprop/core';
import { BackendError } from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CpuBackend, cpu } from '../src/index.js';
import { relaxedSimdAvailable } from '../src/wasm/runtime.js';
import { gemmWork, PARALLEL_MIN_MACS } from '../src/wasm/wasmGemm.js';

const scalar = cpu({ simd: false, threads: 1 });
const paths: [string, CpuBackend][] = [
  ['simd, 1 thread', cpu({ simd: true, threads: 1 })],
  ['simd without relaxed SIMD, 1 thread', cpu({ simd: true, threads: 1, relaxedSimd: false })],
  ['simd, 2 threads', cpu({ simd: true, threads: 2 })],
  // More threads than this 2-core machine has: products cut into three blocks, one worker often late.
  ['simd, 3 threads', cpu({ simd: true, threads: 3 })],
  ['auto', cpu()],
];

beforeAll(async () => {
  for (const [, b] of paths) await b.ready();
});
afterAll(() => {
  for (const [, b] of paths) b.destroy();
});

/** Deterministic values in [-1, 1) from a small LCG. */
function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function put(b: Backend, values: Float32Array, shape: Shape, dtype: DType = 'float32'): TensorInfo {
  return { handle: b.write(values, shape, dtype), shape, dtype };
}

/** Runs `kernel` on `backend` with fresh copies of the inputs and returns the output values. */
function runOn(b: Backend, kernel: 'matmul' | 'dense', inputs: [Float32Array, Shape][], attrs: object, shape: Shape) {
  const infos = inputs.map(([v, s]) => put(b, v, s));
  const fn = b.kernels[kernel] as (i: TensorInfo[], a: object, o: { shape: Shape; dtype: DType }, c: object) => object;
  const handle = fn(infos, attrs, { shape, dtype: 'float32' }, { backend: b, name: kernel });
  b.registerOutput?.(handle);
  const values = b.readSync!(handle, shape, 'float32');
  b.dispose(handle);
  for (const info of infos) b.dispose(info.handle);
  return values;
}

/** |fast − scalar| ≤ tol·(1 + |scalar|) everywhere; float32 accumulation over k terms. */
function expectAgree(fast: ArrayLike<number>, reference: ArrayLike<number>, k: number): void {
  expect(fast.length).toBe(reference.length);
  const tol = 2e-7 * Math.max(8, Math.sqrt(k) * 4);
  let worst = 0;
  for (let i = 0; i < fast.length; i++) {
    const e = Math.abs(fast[i] - reference[i]) / (1 + Math.abs(reference[i]));
    if (!(e <= worst)) worst = e;
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

describe.each(paths)('fast path: %s', (_name, fast) => {
  it('reports its paths', () => {
    expect(fast.paths.simd).toBe(true);
    if (_name === 'simd, 2 threads') expect(fast.paths.threads).toBe(2);
  });

  it('counts what split kernels cost the calling thread (threadStats), and nothing on one thread', () => {
    const before = fast.threadStats();
    runOn(
      fast,
      'matmul',
      [
        [random(128 * 784, 1), [128, 784]],
        [random(784 * 512, 2), [784, 512]],
      ],
      {},
      [128, 512],
    );
    const after = fast.threadStats();
    if (fast.paths.threads === 1) {
      expect(after).toBeUndefined();
      return;
    }
    expect(after?.runs).toBe((before?.runs ?? 0) + 1);
    expect(after?.ownMs).toBeGreaterThan(before?.ownMs ?? 0);
  });

  it("splits an output layer's narrow products on two threads (counted in whole register tiles), not a 64³ one", () => {
    const product = (m: number, k: number, n: number) => {
      const before = fast.threadStats()?.runs ?? 0;
      runOn(
        fast,
        'matmul',
        [
          [random(m * k, 3), [m, k]],
          [random(k * n, 4), [k, n]],
        ],
        {},
        [m, n],
      );
      return (fast.threadStats()?.runs ?? 0) - before;
    };
    const split = fast.paths.threads > 1 ? 1 : 0;
    expect([product(128, 512, 10), product(512, 128, 10), product(128, 10, 512), product(64, 64, 64)]).toEqual([
      split,
      split,
      split,
      0,
    ]);
    // gemmWork(m, n, k): 10 columns round up to 16; each output adds 16 steps to its depth.
    expect(gemmWork(128, 10, 512)).toBe(128 * 16 * 528);
    expect(gemmWork(128, 512, 10)).toBe(128 * 512 * 26);
    expect(gemmWork(64, 64, 64)).toBeLessThan(PARALLEL_MIN_MACS);
  });

  // [m, k, n]: odd sizes, sizes past the k block (256) and the row block (128), and ones large
  // enough (gemmWork ≥ 2^20) to be split across threads by rows and by columns: among them an
  // output layer's products (10 wide, or 10 deep).
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 33, 9],
    [130, 300, 37],
    [128, 784, 512],
    [515, 261, 11],
    [96, 1030, 96],
    [128, 512, 10],
    [128, 10, 512],
  ];
  for (const [m, k, n] of sizes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`matmul ${m}×${k}×${n} transposeA=${ta} transposeB=${tb}`, () => {
          const a = random(m * k, m + 3 * k);
          const b = random(k * n, n + 7 * k);
          const inputs: [Float32Array, Shape][] = [
            [a, ta ? [k, m] : [m, k]],
            [b, tb ? [n, k] : [k, n]],
          ];
          const attrs = { transposeA: ta, transposeB: tb };
          expectAgree(runOn(fast, 'matmul', inputs, attrs, [m, n]), runOn(scalar, 'matmul', inputs, attrs, [m, n]), k);
        });
      }
    }
  }

  it('matmul with broadcast batch axes', () => {
    const inputs: [Float32Array, Shape][] = [
      [random(2 * 3 * 19 * 23, 1), [2, 3, 19, 23]],
      [random(3 * 23 * 29, 2), [3, 23, 29]],
    ];
    const attrs = { transposeA: false, transposeB: false };
    const shape = [2, 3, 19, 29];
    expectAgree(runOn(fast, 'matmul', inputs, attrs, shape), runOn(scalar, 'matmul', inputs, attrs, shape), 23);
  });

  it('matmul with an empty inner dimension gives zeros', () => {
    const inputs: [Float32Array, Shape][] = [
      [new Float32Array(0), [5, 0]],
      [new Float32Array(0), [0, 6]],
    ];
    const y = runOn(fast, 'matmul', inputs, { transposeA: false, transposeB: false }, [5, 6]);
    expect(Array.from(y)).toEqual(new Array(30).fill(0));
  });

  it('matmul propagates NaN and Infinity', () => {
    const a = random(9 * 12, 5);
    a[13] = Number.NaN;
    a[40] = Number.POSITIVE_INFINITY;
    const inputs: [Float32Array, Shape][] = [
      [a, [9, 12]],
      [random(12 * 10, 6), [12, 10]],
    ];
    const attrs = { transposeA: false, transposeB: false };
    const f = runOn(fast, 'matmul', inputs, attrs, [9, 10]);
    const s = runOn(scalar, 'matmul', inputs, attrs, [9, 10]);
    for (let i = 0; i < s.length; i++) expect(Number.isFinite(f[i])).toBe(Number.isFinite(s[i]));
  });

  for (const activation of ['linear', 'relu', 'sigmoid', 'tanh'] as FusedActivation[]) {
    it(`dense ${activation} 128×784→512 and 5×9→3`, () => {
      for (const [m, k, n] of [
        [128, 784, 512],
        [5, 9, 3],
      ]) {
        const inputs: [Float32Array, Shape][] = [
          [random(m * k, 11), [m, k]],
          [random(k * n, 12), [k, n]],
          [random(n, 13), [n]],
        ];
        const f = runOn(fast, 'dense', inputs, { activation }, [m, n]);
        expectAgree(f, runOn(scalar, 'dense', inputs, { activation }, [m, n]), k);
      }
    });
  }
});

describe('options', () => {
  it('simd false runs the scalar path on one thread', () => {
    expect(scalar.paths).toEqual({ simd: false, threads: 1, relaxedSimd: false, spinMs: 1 });
  });
  it('uses relaxed SIMD exactly where the engine runs it (the relaxed-simd test project requires it)', () => {
    if (process.env.BACKPROP_EXPECT_RELAXED_SIMD) expect(relaxedSimdAvailable()).toBe(true);
    expect(cpu({ simd: true, threads: 1 }).paths.relaxedSimd).toBe(relaxedSimdAvailable());
    expect(cpu({ simd: true, threads: 1, relaxedSimd: false }).paths.relaxedSimd).toBe(false);
    if (relaxedSimdAvailable()) expect(cpu({ relaxedSimd: true, threads: 1 }).paths.relaxedSimd).toBe(true);
    else expect(() => cpu({ relaxedSimd: true })).toThrow(BackendError);
  });
  it('rejects invalid options before starting anything', () => {
    expect(() => cpu({ threads: 0 })).toThrow(/threads must be/);
    expect(() => cpu({ threads: 2.5 })).toThrow(/threads must be/);
    expect(() => cpu({ simd: false, threads: 2 })).toThrow(/threads only serve the SIMD kernels/);
    expect(() => cpu({ simd: 'yes' as unknown as boolean })).toThrow(/simd must be/);
    expect(() => cpu({ relaxedSimd: 'yes' as unknown as boolean })).toThrow(/relaxedSimd must be/);
    expect(() => cpu({ simd: false, relaxedSimd: true })).toThrow(/needs the SIMD kernels/);
    expect(() => cpu({ parallelMinElements: 0 })).toThrow(/parallelMinElements must be/);
    expect(() => cpu({ spinMs: -1 })).toThrow(/spinMs must be/);
    expect(() => cpu({ spinMs: Number.NaN })).toThrow(/spinMs must be/);
  });
  it('idle threads poll 0.2 ms before sleeping unless told otherwise', () => {
    expect(cpu({ threads: 1 }).paths.spinMs).toBe(1);
    expect(cpu({ threads: 1, spinMs: 0 }).paths.spinMs).toBe(0);
    expect(cpu({ threads: 1, spinMs: 1.5 }).paths.spinMs).toBe(1.5);
  });
  it('destroy is idempotent and the backend keeps computing on one thread', async () => {
    const b = cpu({ simd: true, threads: 2 });
    await b.ready();
    const inputs: [Float32Array, Shape][] = [
      [random(256 * 256, 1), [256, 256]],
      [random(256 * 256, 2), [256, 256]],
    ];
    const attrs = { transposeA: false, transposeB: false };
    const before = runOn(b, 'matmul', inputs, attrs, [256, 256]);
    b.destroy();
    b.destroy();
    expect(Array.from(runOn(b, 'matmul', inputs, attrs, [256, 256]))).toEqual(Array.from(before));
  });
});

describe('SIMD elementwise kernels agree with the scalar ones', () => {
  const simd = cpu({ simd: true, threads: 1 });
  const run = (b: Backend, name: string, inputs: [Float32Array, Shape][], shape: Shape) => {
    const infos = inputs.map(([v, s]) => put(b, v, s));
    const fn = b.kernels[name as 'add'] as unknown as (i: TensorInfo[], a: object, o: object, c: object) => object;
    const handle = fn(infos, {}, { shape, dtype: 'float32' }, { backend: b, name });
    b.registerOutput?.(handle);
    const values = Array.from(b.readSync!(handle, shape, 'float32'));
    b.dispose(handle);
    for (const info of infos) b.dispose(info.handle);
    return values;
  };
  const x = random(1031, 21);
  const z = random(1031, 22);
  x[5] = Number.NaN;
  z[9] = Number.NaN;
  x[17] = 0;
  z[17] = 0;
  for (const name of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum']) {
    it(`${name}: same shape, scalar right, scalar left (odd length, NaN, 0/0)`, () => {
      for (const inputs of [
        [
          [x, [1031]],
          [z, [1031]],
        ],
        [
          [x, [1031]],
          [Float32Array.of(0.75), []],
        ],
        [
          [Float32Array.of(-1.5), [1]],
          [z, [1031]],
        ],
      ] as [Float32Array, Shape][][]) {
        expect(run(simd, name, inputs, [1031])).toEqual(run(scalar, name, inputs, [1031]));
      }
    });
  }
  for (const name of ['neg', 'abs', 'sqrt', 'floor', 'reciprocal']) {
    it(`${name} (odd length, NaN, 0, negatives)`, () => {
      const inputs: [Float32Array, Shape][] = [[x, [1031]]];
      expect(run(simd, name, inputs, [1031])).toEqual(run(scalar, name, inputs, [1031]));
    });
  }
  it('int32 and general broadcasting fall back to the scalar kernels', () => {
    const a = put(simd, Int32Array.from({ length: 600 }, (_, i) => i - 300) as unknown as Float32Array, [600], 'int32');
    const h = simd.kernels.mul([a, a], {}, { shape: [600], dtype: 'int32' }, { backend: simd, name: 'mul' });
    simd.registerOutput?.(h);
    expect(simd.readSync!(h, [600], 'int32')[0]).toBe(90000);
    simd.dispose(h);
    simd.dispose(a.handle);
    const rows: [Float32Array, Shape][] = [
      [random(64 * 33, 3), [64, 33]],
      [random(33, 4), [33]],
    ];
    expect(run(simd, 'add', rows, [64, 33])).toEqual(run(scalar, 'add', rows, [64, 33]));
  });
});

describe('cpu() options', () => {
  it('refuses an option it does not have, naming the one meant (numThreads → threads)', () => {
    expect(() => cpu({ numThreads: 1 } as object)).toThrow(
      /^cpu: unknown option 'numThreads' \(did you mean threads\?\); the options are simd, threads, parallelMinElements, relaxedSimd, spinMs$/,
    );
  });
});
