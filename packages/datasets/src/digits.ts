/** scikit-learn's 8×8 digits (1,797 images, 10 classes), read from an installed scikit-learn when present. */
import type { ArrayDataset } from '@backprop/core';
import { loadCsv } from './csv.js';
import type { Source } from './read-bytes.js';

/** Where Debian's `python3-sklearn` keeps the file. */
export const defaultPath = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';

/** True when the file exists (Node). */
export async function available(path = defaultPath): Promise<boolean> {
  try {
    const fs = await import('node:fs/promises');
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/** Loads the digits: x [1797, 64] scaled from 0..16 to [0, 1], int32 labels. */
export async function load(source: Source = defaultPath): Promise<ArrayDataset> {
  const raw = await loadCsv(source, { header: false, targetType: 'number' });
  const x = raw.x.map((v) => v / 16);
  return { x, xShape: raw.xShape, y: Int32Array.from(raw.y), yShape: raw.yShape };
}
