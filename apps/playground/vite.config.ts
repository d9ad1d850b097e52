/**
 * Vite builds the playground as a static multi-page site with relative paths, so the docs site
 * can host it in a sub-folder: training (index.html), backprop on the graph, the optimizer race,
 * pretraining live, and threads.html (backend-cpu with 1 vs N threads, for the threads test).
 *
 * Dev and preview serve every response cross-origin isolated (isolation.mjs: COOP same-origin +
 * COEP require-corp, as test/serve.ts does), and the build writes `_headers` for static hosts:
 * only then do browsers give SharedArrayBuffer and shared WebAssembly memory, which
 * backend-cpu's worker threads need. backend-cpu starts its kernel
 * workers from a Blob URL of inline source, so bundling needs nothing for them.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { headersFile, ISOLATION_HEADERS } from './isolation.mjs';

const page = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Writes `_headers` into the built site, so static hosts that read it serve it isolated too. */
const headersForHosts: Plugin = {
  name: 'isolation-headers',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile() });
  },
};

export default defineConfig({
  base: './',
  // onnxruntime-node is the Node runtime of backend-onnx; the page passes onnxruntime-web instead.
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: {
      external: ['onnxruntime-node'],
      input: {
        index: page('index.html'),
        graph: page('graph.html'),
        race: page('race.html'),
        pretrain: page('pretrain.html'),
        threads: page('threads.html'),
      },
    },
  },
  plugins: [headersForHosts],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
});
