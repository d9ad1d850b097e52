/** Vite builds the playground as a static site with relative paths, so the docs site can host it in a sub-folder. */
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  worker: { format: 'es' },
});
