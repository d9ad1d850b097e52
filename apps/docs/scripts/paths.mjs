/** Where things are: the docs package, the repository root, the guides, the output folder. */
import { fileURLToPath } from 'node:url';

/** The apps/docs folder. */
export const docsDir = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
/** The Markdown guides. */
export const guidesDir = fileURLToPath(new URL('../guides', import.meta.url));
/** The built site. */
export const distDir = fileURLToPath(new URL('../dist', import.meta.url));

/** The guides in sidebar order (file names without `.md`); other guides follow alphabetically. */
export const guideOrder = [
  'index',
  'getting-started',
  'lecture-map',
  'lecture-conventions',
  'backends',
  'performance',
  'experiments',
  'distributed-search',
  'playground',
  'playground-pages',
  'design-notes',
];

/** The packages whose API reference the site holds, when their `src/index.ts` exists. */
export const apiPackages = [
  'core',
  'backend-cpu',
  'backend-webgpu',
  'backend-onnx',
  'optimizers',
  'regularizers',
  'pretraining',
  'tuning',
  'conformance',
  'datasets',
];
