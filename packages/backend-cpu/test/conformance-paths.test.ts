/** Runs the shared conformance suite on every forced code path of the CPU backend (scalar, SIMD, SIMD with 2 threads). */
import { runConformance } from '@backprop/conformance';
import { afterAll } from 'vitest';
import { type CpuBackend, type CpuOptions, cpu } from '../src/index.js';

const made: CpuBackend[] = [];
afterAll(() => {
  for (const b of made) b.destroy();
});

const paths: [string, CpuOptions][] = [
  ['cpu scalar (simd false, threads 1)', { simd: false, threads: 1 }],
  ['cpu simd (threads 1)', { simd: true, threads: 1 }],
  ['cpu simd + threads 2', { simd: true, threads: 2 }],
];

for (const [name, options] of paths) {
  runConformance({
    name,
    create: async () => {
      const backend = cpu(options);
      made.push(backend);
      await backend.ready();
      return backend;
    },
  });
}
