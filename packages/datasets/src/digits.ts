/** scikit-learn's 8×8 digits (1,797 images, 10 classes), read from an installed scikit-learn when present. */
import type { ArrayDataset } from '@backprop/core';
import { loadCsvAs } from './csv.js';
import { DataError, MissingFileError } from './errors.js';
import { DATA_DIR_ENV, dataDir, exists, joinPath, resolvePath, type Source } from './read-bytes.js';

/**
 * Where Debian's and Ubuntu's `python3-sklearn` package keeps the file: the last path
 * {@link defaultPaths} tries. Other installs (pip, conda, Windows, macOS) keep it under their
 * own `sklearn/datasets/data/`: copy it into the data folder or pass that path to {@link load}.
 */
export const defaultPath = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';

/**
 * The paths {@link load} and {@link available} try, in order, when given no source:
 * `digits/digits.csv.gz` in the data folder (`dataDir()`: `$BACKPROP_DATA_DIR`, else
 * `~/.backprop/datasets`), then Debian's {@link defaultPath}. Node only.
 *
 * @example
 * ```ts
 * import { digits } from '@backprop/datasets';
 *
 * console.log(digits.defaultPaths()); // ['~/.backprop/datasets/digits/digits.csv.gz', '/usr/lib/python3/dist-packages/…']
 * ```
 */
export function defaultPaths(): string[] {
  return [joinPath('digits.defaultPaths', dataDir(), 'digits', 'digits.csv.gz'), defaultPath];
}

const whereToGetIt = `python3 -c "import sklearn, os; print(os.path.join(os.path.dirname(sklearn.__file__), 'datasets', 'data', 'digits.csv.gz'))" prints where any scikit-learn install (pip, conda) keeps it; on Debian and Ubuntu, apt install python3-sklearn puts it at ${defaultPath}`;

const missingHint = `pass the path of digits.csv.gz to digits.load(path), or its bytes — ${whereToGetIt}`;

/**
 * True when the file exists (Node); `path` may be a path or a `file:` URL (default: any of {@link defaultPaths}).
 *
 * @example
 * ```ts
 * import { digits } from '@backprop/datasets';
 *
 * console.log(await digits.available()); // true when digits.csv.gz is in one of digits.defaultPaths()
 * ```
 */
export async function available(path?: string | URL): Promise<boolean> {
  try {
    if (path === undefined) {
      for (const p of defaultPaths()) if (await exists(p)) return true;
      return false;
    }
    return await exists(await resolvePath('digits.available', path));
  } catch {
    return false;
  }
}

/** The first of {@link defaultPaths} that exists; a MissingFileError saying where to put the file. */
async function defaultSource(): Promise<string> {
  const paths = defaultPaths();
  for (const p of paths) if (await exists(p)) return p;
  throw new MissingFileError(
    `digits.load: digits.csv.gz is at none of the default paths, got no ${paths.join(' or ')}; copy it to ${paths[0]} (the data folder is $${DATA_DIR_ENV} when set, else ~/.backprop/datasets), or pass its path to digits.load(path), or its bytes — ${whereToGetIt}`,
    paths,
  );
}

/**
 * Loads the digits: x [1797, 64] scaled from 0..16 to [0, 1], int32 labels 0…9 [N].
 * `source` is the `digits.csv.gz` file as a path or `file:` URL (a relative path is resolved
 * against the current directory), or its bytes (a Uint8Array, an ArrayBuffer, a Blob or a fetch
 * Response). Default: the first of {@link defaultPaths} that exists (`digits/digits.csv.gz` in
 * the data folder, then Debian's {@link defaultPath}).
 *
 * @example
 * ```ts
 * import { digits } from '@backprop/datasets';
 *
 * if (await digits.available()) {
 *   const data = await digits.load(); // x [1797, 64]: pixels 0…16 divided by 16, in [0, 1]; int32 labels [1797]
 * }
 * ```
 * @throws MissingFileError when the file is not there, saying where it looked and where to put it.
 * @throws DataError when the file is not in scikit-learn's format: 65 numbers a line, 64 pixels
 *   that are integers 0…16, then the digit 0…9 (also for a file that is not UTF-8 text or whose
 *   gzip data does not decompress).
 */
export async function load(source?: Source): Promise<ArrayDataset> {
  const raw = await loadCsvAs(
    'digits.load',
    source ?? (await defaultSource()),
    { header: false, targetType: 'regression' },
    missingHint,
  );
  const [n, width] = raw.xShape;
  if (width !== 64) {
    throw new DataError(
      `digits.load: each line must hold 65 numbers (64 pixels, then the digit), got ${width + 1}; is this scikit-learn's digits.csv.gz?`,
    );
  }
  const x = new Float32Array(raw.x.length);
  for (let i = 0; i < x.length; i++) {
    const v = raw.x[i];
    if (!Number.isInteger(v) || v < 0 || v > 16) {
      const [row, pixel] = [Math.floor(i / 64), i % 64];
      throw new DataError(
        `digits.load: row ${row} has pixel ${pixel} outside the integers 0…16, got ${v}; is this scikit-learn's digits.csv.gz?`,
        { row, column: `c${pixel}`, columnIndex: pixel, value: String(v) },
      );
    }
    x[i] = v / 16;
  }
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = raw.y[i];
    if (!Number.isInteger(v) || v < 0 || v > 9) {
      throw new DataError(
        `digits.load: row ${i} has a label outside the digits 0…9, got ${v}; is this scikit-learn's digits.csv.gz?`,
        { row: i, value: String(v) },
      );
    }
    y[i] = v;
  }
  return { x, xShape: [n, 64], y, yShape: [n] };
}
