/** Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images of clothing, 28×28, 10 classes. */
import type { ArrayDataset } from '@backprop/core';
import { ShapeError } from '@backprop/core';
import { loadIdx } from './idx.js';
import type { Source } from './read-bytes.js';

/** Where Debian's `dataset-fashion-mnist` package puts the files. */
export const defaultDir = '/usr/share/datasets/fashion-mnist';

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

/** The four files, as paths or bytes (gzipped or not). */
export interface FashionMnistFiles {
  trainImages: Source;
  trainLabels: Source;
  testImages: Source;
  testLabels: Source;
}

/** Options of {@link load}. */
export interface FashionMnistOptions {
  /** A folder holding the standard file names (default: Debian's). */
  dir?: string;
  /** The files themselves, instead of `dir`. */
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

/** Loads the standard split: pixels in [0, 1], x [N, 784], int32 labels [N]. */
export async function load({
  dir = defaultDir,
  files,
}: FashionMnistOptions = {}): Promise<{ train: ArrayDataset; test: ArrayDataset }> {
  const f = files ?? {
    trainImages: `${dir}/train-images-idx3-ubyte.gz`,
    trainLabels: `${dir}/train-labels-idx1-ubyte.gz`,
    testImages: `${dir}/t10k-images-idx3-ubyte.gz`,
    testLabels: `${dir}/t10k-labels-idx1-ubyte.gz`,
  };
  const [ti, tl, si, sl] = await Promise.all(
    [f.trainImages, f.trainLabels, f.testImages, f.testLabels].map((s) => loadIdx(s)),
  );
  return { train: toDataset(ti, tl), test: toDataset(si, sl) };
}
