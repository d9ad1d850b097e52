// Measures the cpu backend's float32 matmul in GFLOP/s on square matrices (build first: npx tsc -p tsconfig.json).
import { cpu } from '../dist/index.js';

const backend = cpu();
const cases = [
  [256, false, false],
  [512, false, false],
  [1024, false, false],
  [512, true, false],
  [512, false, true],
  [512, true, true],
];
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
  const reps = Math.max(2, Math.round(4e9 / size ** 3 / 2));
  const start = performance.now();
  for (let r = 0; r < reps; r++) once();
  const seconds = (performance.now() - start) / 1000 / reps;
  const gflops = (2 * size ** 3) / seconds / 1e9;
  console.log(
    `${size}³ transposeA=${transposeA} transposeB=${transposeB}: ${gflops.toFixed(2)} GFLOP/s (${(seconds * 1000).toFixed(1)} ms)`,
  );
  backend.dispose(a.handle);
  backend.dispose(b.handle);
}
