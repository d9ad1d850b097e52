/**
 * Vite builds the playground as a static multi-page site with relative paths, so the docs site
 * can host it in a sub-folder: training (index.html), backprop on the graph, the optimizer race,
 * pretraining live, and threads.html (backend-cpu with 1 vs N threads, for the threads test).
 *
 * Dev and preview serve every response cross-origin isolated (COOP same-origin + COEP
 * require-corp, as test/serve.ts does): only then do browsers give SharedArrayBuffer and shared
 * WebAssembly memory, which backend-cpu's worker threads need. backend-cpu starts its kernel
 * workers from a Blob URL of inline source, so bundling needs nothing for them.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Cross-origin isolation: `crossOriginIsolated` becomes true and SharedArrayBuffer exists. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
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
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
});
