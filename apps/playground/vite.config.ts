/** Vite builds the playground as a static site with relative paths, so the docs site can host it in a sub-folder. */
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  // onnxruntime-node is the Node runtime of backend-onnx; the page passes onnxruntime-web instead.
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, rollupOptions: { external: ['onnxruntime-node'] } },
  worker: { format: 'es' },
});
