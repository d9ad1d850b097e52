/** Core's tests run against backend-cpu's source, with both packages resolved to source so there is one copy of core. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@backprop/core': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      '@backprop/backend-cpu': fileURLToPath(new URL('../backend-cpu/src/index.ts', import.meta.url)),
    },
  },
  test: { include: ['test/**/*.test.ts'] },
});
