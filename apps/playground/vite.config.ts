/**
 * Vite builds the playground as a static multi-page site with relative paths, so the docs site
 * can host it in a sub-folder: training (index.html), backprop on the graph, the optimizer race,
 * pretraining live.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (file: string) => fileURLToPath(new URL(file, import.meta.url));

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
      },
    },
  },
  worker: { format: 'es' },
});
