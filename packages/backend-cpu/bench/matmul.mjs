// Measures the cpu backend's float32 matmul in GFLOP/s on square matrices, per code path
// (build first: node scripts/pnpm.mjs --filter @backprop/backend-cpu build). Usage: node bench/matmul.mjs [path prefix]
import { cpu } from '../dist/index.js';

const paths = [
  ['scalar', { simd: false, threads: 1 }],
  ['simd, 1 thread', { simd: true, threads: 1 }],
  ['simd, 2 threads', { simd: true, threads: 2 }],
];
const cases = [
  [256, false, false],
  [512, false, false],
  [1024, false, false],
  [512, true, false],
  [512, false, true],
  [512, true, true],
];
const only = process.argv[2];
for (const [name, options] of paths) {
  if (only && !name.startsWith(only)) continue;
  const backend = cpu(options);
  await backend.ready();
  for (const [size, transposeA, transposeB] of cases) {
    const shape = [size, size];
    const input = () => ({
      handle: backend.write(new Float32Array(size * size).map(Math.random), shape, 'float32'),
      shape,
      dtype: 'float32',
    });
    const a = input();
    const b = input();
    const once = () =>
      backend.dispose(backend.kernels.matmul([a, b], { transposeA, transposeB }, { shape, dtype: 'float32' }));
    once();
    // About 2 s of work on the scalar path, and a fixed ~40 GFLOP on the SIMD paths.
    const reps = Math.max(3, Math.round((options.simd ? 4e10 : 4e9) / size ** 3 / 2));
    const start = performance.now();
    for (let r = 0; r < reps; r++) once();
    const seconds = (performance.now() - start) / 1000 / reps;
    const gflops = (2 * size ** 3) / seconds / 1e9;
    console.log(
      `${name}: ${size}³ transposeA=${transposeA} transposeB=${transposeB}: ${gflops.toFixed(2)} GFLOP/s (${(seconds * 1000).toFixed(2)} ms)`,
    );
    backend.dispose(a.handle);
    backend.dispose(b.handle);
  }
  backend.destroy();
}
