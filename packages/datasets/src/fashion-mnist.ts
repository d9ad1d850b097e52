/** Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images of clothing, 28×28, 10 classes. */
import type { ArrayDataset } from '@backprop/core';
import { checkOptionNames, optionNames, ValueError } from '@backprop/core';
import { DataError, MissingFileError } from './errors.js';
import { type IdxArray, idxTypeName, readIdx } from './idx.js';
import { DATA_DIR_ENV, dataDir, exists, joinPath, resolvePath, type Source } from './read-bytes.js';

/**
 * Where Debian's `dataset-fashion-mnist` package puts the files: the last folder
 * {@link defaultDirs} tries.
 */
export const defaultDir = '/usr/share/datasets/fashion-mnist';

/**
 * The folders {@link load} tries, in order, when given neither `dir` nor `files`:
 * `fashion-mnist/` in the data folder ({@link dataDir}: `$BACKPROP_DATA_DIR`, else
 * `~/.backprop/datasets`), then Debian's {@link defaultDir}. Node only.
 *
 * @example
 * ```ts
 * import { fashionMnist } from '@backprop/datasets';
 *
 * console.log(fashionMnist.defaultDirs()); // where fashionMnist.load() looks, in order
 * ```
 */
export function defaultDirs(): string[] {
  return [joinPath('fashionMnist.defaultDirs', dataDir(), 'fashion-mnist'), defaultDir];
}

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
   * ({@link fileNames}, gzipped or not). Default: the first of {@link defaultDirs} that holds
   * them (`fashion-mnist/` in the data folder, then Debian's {@link defaultDir}). A relative
   * path is resolved against the current directory.
   */
  dir?: string | URL;
  /** The files themselves, instead of `dir` (bytes work in browsers). */
  files?: FashionMnistFiles;
}

type Role = keyof FashionMnistFiles;
type IdxFile = IdxArray & { what: string };

/** Checks one IDX file holds what its role needs: uint8 images [n, h, w] or uint8 labels 0…9 [n]. */
function checkFile(role: Role, file: IdxFile): void {
  const images = role.endsWith('Images');
  const { shape, data, what } = file;
  const want = images ? 3 : 1;
  if (!(data instanceof Uint8Array) || shape.length !== want) {
    const swapped = data instanceof Uint8Array && shape.length === (images ? 1 : 3);
    const other = images ? role.replace('Images', 'Labels') : role.replace('Labels', 'Images');
    throw new DataError(
      `fashionMnist.load: ${what} must hold ${images ? 'uint8 images [n, height, width]' : 'uint8 labels [n]'}, got ${idxTypeName(data)} values of shape [${shape.join(', ')}]; ${
        swapped
          ? `it looks like ${images ? 'a labels' : 'an images'} file: are ${role} and ${other} swapped?`
          : `is it Fashion-MNIST's ${fileNames[role]}?`
      }`,
    );
  }
  if (images) return;
  const i = data.findIndex((v) => v > 9);
  if (i >= 0) {
    throw new DataError(
      `fashionMnist.load: ${what} holds a label outside the classes 0…9 at row ${i}, got ${data[i]}; is it Fashion-MNIST's ${fileNames[role]}?`,
      { row: i, value: String(data[i]) },
    );
  }
}

/** One split as a dataset: pixels / 255, x [n, h·w], int32 labels [n]. */
function toDataset(images: IdxFile, labels: IdxFile): ArrayDataset {
  const [n, h, w] = images.shape;
  if (labels.shape[0] !== n) {
    throw new DataError(
      `fashionMnist.load: every image needs one label, got ${n} images in ${images.what} and ${labels.shape[0]} labels in ${labels.what}; are both files of the same split (train-… or t10k-…)?`,
    );
  }
  const x = new Float32Array(n * h * w);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return { x, xShape: [n, h * w], y: Int32Array.from(labels.data), yShape: [n] };
}

const gzNames = Object.values(fileNames)
  .map((f) => `${f}.gz`)
  .join(', ');

/** The four files in `folder` (`<name>.gz` before `<name>`), the paths tried, and the names missing. */
async function look(
  folder: string,
): Promise<{ found: Partial<FashionMnistFiles>; tried: string[]; missing: string[] }> {
  const tried: string[] = [];
  const missing: string[] = [];
  const found: Partial<Record<keyof FashionMnistFiles, string>> = {};
  for (const [key, name] of Object.entries(fileNames) as [keyof FashionMnistFiles, string][]) {
    for (const candidate of [
      joinPath('fashionMnist.load', folder, `${name}.gz`),
      joinPath('fashionMnist.load', folder, name),
    ]) {
      tried.push(candidate);
      if (await exists(candidate)) {
        found[key] = candidate;
        break;
      }
    }
    if (!found[key]) missing.push(`${name}(.gz)`);
  }
  return { found, tried, missing };
}

/** The paths of the four files in `dir`; a MissingFileError listing every path tried. */
async function filesIn(dir: string | URL): Promise<FashionMnistFiles> {
  const folder = await resolvePath('fashionMnist.load', dir);
  const { found, tried, missing } = await look(folder);
  if (missing.length > 0) {
    throw new MissingFileError(
      `fashionMnist.load: the Fashion-MNIST files are not in ${folder}, got no ${missing.join(', ')}; download ${gzNames} from https://github.com/zalandoresearch/fashion-mnist into that folder, or pass another one as fashionMnist.load({ dir }) — or pass their bytes as { files }`,
      tried,
    );
  }
  return found as FashionMnistFiles;
}

/** The files in the first of {@link defaultDirs} that holds all four; a MissingFileError saying where to put them. */
async function filesInDefaults(): Promise<FashionMnistFiles> {
  const folders = defaultDirs();
  const tried: string[] = [];
  const lacks: string[] = [];
  for (const folder of folders) {
    const r = await look(folder);
    if (r.missing.length === 0) return r.found as FashionMnistFiles;
    tried.push(...r.tried);
    lacks.push(`${folder} lacks ${r.missing.join(', ')}`);
  }
  throw new MissingFileError(
    `fashionMnist.load: the Fashion-MNIST files are in none of the default folders, got ${lacks.join('; ')}; download ${gzNames} from https://github.com/zalandoresearch/fashion-mnist into ${folders[0]} (the data folder is $${DATA_DIR_ENV} when set, else ~/.backprop/datasets), or pass any folder as fashionMnist.load({ dir }), or their bytes as { files }; on Debian and Ubuntu, apt install dataset-fashion-mnist puts them in ${defaultDir}/`,
    tried,
  );
}

/**
 * Loads the standard split: pixels in [0, 1], x [N, 784], int32 labels [N] — from `dir`
 * (default: {@link defaultDirs}: `<data folder>/fashion-mnist`, then Debian's
 * `dataset-fashion-mnist`, {@link defaultDir}) or from `files` (bytes, Blobs or fetch
 * Responses work in browsers).
 *
 * @example
 * ```ts
 * import { fashionMnist } from '@backprop/datasets';
 *
 * const { train, test } = await fashionMnist.load({ dir: '/data/fashion-mnist' });
 * console.log(train.xShape, test.xShape); // [60000, 784] [10000, 784]
 * ```
 * @throws MissingFileError when a file is not in the folder: it lists the paths tried and says
 *   where to put the files (and which option or environment variable moves that folder).
 * @throws DataError when a file is not what its role needs, naming the role and the path: images
 *   must be uint8 [n, height, width] (the same size in both splits), labels uint8 [n] in 0…9, one
 *   label per image; also for a file that is not IDX or whose gzip data does not decompress.
 */
export async function load(options: FashionMnistOptions = {}): Promise<{
  train: ArrayDataset;
  test: ArrayDataset;
}> {
  checkOptionNames('fashionMnist.load', options, optionNames<FashionMnistOptions>({ dir: true, files: true }));
  const { dir, files } = options;
  if (files !== undefined && dir !== undefined) {
    throw new ValueError('fashionMnist.load: pass dir or files, got both; files are read as given, dir by file name');
  }
  const f = files ?? (dir === undefined ? await filesInDefaults() : await filesIn(dir));
  const roles: Role[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];
  const [ti, tl, si, sl] = await Promise.all(
    roles.map(async (role) => {
      const file = await readIdx('fashionMnist.load', f[role], { role });
      checkFile(role, file);
      return file;
    }),
  );
  if (si.shape[1] !== ti.shape[1] || si.shape[2] !== ti.shape[2]) {
    throw new DataError(
      `fashionMnist.load: test images must have the size of the training images, got ${si.shape[1]}×${si.shape[2]} in ${si.what} and ${ti.shape[1]}×${ti.shape[2]} in ${ti.what}; a model trained on one size cannot read the other`,
    );
  }
  return { train: toDataset(ti, tl), test: toDataset(si, sl) };
}
