/**
 * Two projects: every test as the engine comes, and the SIMD comparisons again with relaxed SIMD
 * on, so both matmul builds (separate multiply and add; fused multiply-add) are tested on any
 * Node: Node 20 needs `--experimental-wasm-relaxed-simd` for it, later Node runs it as is.
 */
import { defineConfig } from 'vitest/config';
import { relaxedSimdAvailable } from './src/wasm/runtime.js';

/** The V8 flag that turns relaxed SIMD on where it is not shipped yet (Node 20). */
const FLAG = '--experimental-wasm-relaxed-simd';

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'engine as is' } },
      {
        extends: true,
        test: {
          name: 'relaxed simd',
          include: ['test/fast-paths.test.ts', 'test/simd-kernels.test.ts', 'test/conformance-paths.test.ts'],
          execArgv: relaxedSimdAvailable() ? [] : [FLAG],
          env: { BACKPROP_EXPECT_RELAXED_SIMD: '1' },
        },
      },
    ],
  },
});
