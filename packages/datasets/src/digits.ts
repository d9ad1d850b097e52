/** scikit-learn's 8×8 digits (1,797 images, 10 classes), read from an installed scikit-learn when present. */
import type { ArrayDataset } from '@backprop/core';
import { loadCsvAs } from './csv.js';
import { DataError } from './errors.js';
import { exists, resolvePath, type Source } from './read-bytes.js';

/**
 * Where Debian's and Ubuntu's `python3-sklearn` package keeps the file. Other installs (pip,
 * conda, Windows, macOS) keep it under their own `sklearn/datasets/data/`: pass that path to
 * {@link load}.
 */
export const defaultPath = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';

const missingHint = `install Debian's python3-sklearn package (apt install python3-sklearn), which puts it at ${defaultPath}, or pass the path of digits.csv.gz from any scikit-learn install to digits.load(path) — python3 -c "import sklearn, os; print(os.path.join(os.path.dirname(sklearn.__file__), 'datasets', 'data', 'digits.csv.gz'))" prints it — or pass the file's bytes`;

/** True when the file exists (Node); `path` may be a path or a `file:` URL. */
export async function available(path: string | URL = defaultPath): Promise<boolean> {
  try {
    return await exists(await resolvePath('digits.available', path));
  } catch {
    return false;
  }
}

/**
 * Loads the digits: x [1797, 64] scaled from 0..16 to [0, 1], int32 labels 0…9 [N].
 * `source` is the `digits.csv.gz` file as a path or `file:` URL (default: Debian's
 * {@link defaultPath}; a relative path is resolved against the current directory), or its bytes.
 *
 * @throws MissingFileError when the file is not there, saying where it looked and how to get it.
 * @throws DataError when the file is not in scikit-learn's format (65 numbers a line, the last a digit).
 */
export async function load(source: Source = defaultPath): Promise<ArrayDataset> {
  const raw = await loadCsvAs('digits.load', source, { header: false, targetType: 'regression' }, missingHint);
  const x = raw.x.map((v) => v / 16);
  const n = raw.xShape[0];
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = raw.y[i];
    if (!Number.isInteger(v) || v < 0 || v > 9) {
      throw new DataError(
        `digits.load: row ${i} has a label outside the digits 0…9, got ${v}; is this digits.csv.gz?`,
        {
          row: i,
          value: String(v),
        },
      );
    }
    y[i] = v;
  }
  return { x, xShape: raw.xShape, y, yShape: [n] };
}
