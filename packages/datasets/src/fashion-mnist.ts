/** Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images of clothing, 28×28, 10 classes. */
import type { ArrayDataset } from '@backprop/core';
import { ShapeError, ValueError } from '@backprop/core';
import { MissingFileError } from './errors.js';
import { loadIdx } from './idx.js';
import { exists, resolvePath, type Source } from './read-bytes.js';

/** Where Debian's `dataset-fashion-mnist` package puts the files. */
export const defaultDir = '/usr/share/datasets/fashion-mnist';

/** The standard file names (each read gzipped, `<name>.gz`, or as is). */
export const fileNames = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The class names, by label. */
export const classNames = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** The four files, as paths, `file:` URLs or bytes (gzipped or not). */
export interface FashionMnistFiles {
  trainImages: Source;
  trainLabels: Source;
  testImages: Source;
  testLabels: Source;
}

/** Options of {@link load}. */
export interface FashionMnistOptions {
  /**
   * A folder (path or `file:` URL) holding the four files under their standard names
   * ({@link fileNames}, gzipped or not). Default: Debian's {@link defaultDir}. A relative path
   * is resolved against the current directory.
   */
  dir?: string | URL;
  /** The files themselves, instead of `dir` (bytes work in browsers). */
  files?: FashionMnistFiles;
}

function toDataset(
  images: { shape: number[]; data: ArrayLike<number> },
  labels: { shape: number[]; data: ArrayLike<number> },
): ArrayDataset {
  const [n, h, w] = images.shape;
  if (labels.shape[0] !== n) throw new ShapeError(`fashionMnist.load: ${n} images but ${labels.shape[0]} labels`);
  const x = new Float32Array(n * h * w);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return { x, xShape: [n, h * w], y: Int32Array.from(labels.data), yShape: [n] };
}

/** The paths of the four files in `dir`, `<name>.gz` before `<name>`; a MissingFileError listing every path tried. */
async function filesIn(dir: string | URL): Promise<FashionMnistFiles> {
  const { join } = await import('node:path');
  const folder = await resolvePath('fashionMnist.load', dir);
  const tried: string[] = [];
  const missing: string[] = [];
  const found: Partial<Record<keyof FashionMnistFiles, string>> = {};
  for (const [key, name] of Object.entries(fileNames) as [keyof FashionMnistFiles, string][]) {
    for (const candidate of [join(folder, `${name}.gz`), join(folder, name)]) {
      tried.push(candidate);
      if (await exists(candidate)) {
        found[key] = candidate;
        break;
      }
    }
    if (!found[key]) missing.push(`${name}(.gz)`);
  }
  if (missing.length > 0) {
    throw new MissingFileError(
      `fashionMnist.load: the Fashion-MNIST files are not in ${folder}, got no ${missing.join(', ')}; install Debian's dataset-fashion-mnist package (apt install dataset-fashion-mnist), which puts them in ${defaultDir}/, or download ${Object.values(
        fileNames,
      )
        .map((f) => `${f}.gz`)
        .join(
          ', ',
        )} from https://github.com/zalandoresearch/fashion-mnist into a folder and pass fashionMnist.load({ dir }) — or pass their bytes as { files }`,
      tried,
    );
  }
  return found as FashionMnistFiles;
}

/**
 * Loads the standard split: pixels in [0, 1], x [N, 784], int32 labels [N] — from `dir`
 * (default: Debian's `dataset-fashion-mnist`, {@link defaultDir}) or from `files`.
 *
 * @throws MissingFileError when a file is not in the folder: it lists the paths tried and says
 *   how to install or download the files.
 */
export async function load({ dir, files }: FashionMnistOptions = {}): Promise<{
  train: ArrayDataset;
  test: ArrayDataset;
}> {
  if (files !== undefined && dir !== undefined) {
    throw new ValueError('fashionMnist.load: pass dir or files, got both; files are read as given, dir by file name');
  }
  const f = files ?? (await filesIn(dir ?? defaultDir));
  const [ti, tl, si, sl] = await Promise.all(
    [f.trainImages, f.trainLabels, f.testImages, f.testLabels].map((s) => loadIdx(s)),
  );
  return { train: toDataset(ti, tl), test: toDataset(si, sl) };
}
