/** Input checks of the package: core's validators, plus chaining layer sizes, data ranges, flags, callbacks and nested options. */
import {
  boolean,
  checkOptionNames,
  formatShape,
  formatValue,
  invalid,
  ShapeError,
  Tensor,
  ValueError,
} from '@backprop/core';

/** A dataset's features: `x` row-major with shape [N, D]. */
export interface Features {
  readonly x: Float32Array;
  readonly xShape: readonly number[];
}

export { nonNegative, nonNegativeInt, positiveInt, seedOf } from '@backprop/core';

/** Throws ValueError unless `value` is undefined or a boolean (the string 'false' would count as true). */
export function optionalBoolean(op: string, name: string, value: unknown): void {
  if (value !== undefined) boolean(op, name, value);
}

/** Throws ValueError unless `value` is undefined or a function (`signature` shows how it is called). */
export function optionalFunction(op: string, name: string, value: unknown, signature: string): void {
  if (value !== undefined && typeof value !== 'function') invalid(op, name, `a function ${signature}`, value);
}

/**
 * Checks the options a greedy function hands to every layer's training (`rbm`, `train`,
 * `autoencoder`): their names against `known`, and that none of `owned` is set — those the
 * greedy function sets per layer itself, so a value given there would be overwritten without a
 * word. `owned` maps each such name to where it belongs instead.
 */
export function checkNestedOptions(
  op: string,
  group: string,
  options: unknown,
  known: readonly string[],
  owned: Readonly<Record<string, string>>,
  aliases: Readonly<Record<string, string>> = {},
): void {
  if (options !== null && typeof options === 'object') {
    for (const [name, instead] of Object.entries(owned)) {
      if (Object.hasOwn(options, name)) {
        const value = formatValue((options as Record<string, unknown>)[name]);
        throw new ValueError(`${op}: ${group}.${name} ${instead}; got ${group}: { ${name}: ${value} }`);
      }
    }
  }
  const allowed = known.filter((name) => !Object.hasOwn(owned, name));
  checkOptionNames(op, options, allowed, { what: `${group} option`, aliases });
}

/** Throws unless `data` is [N, D] with D = `width` (ShapeError) and N ≥ 1. Returns N. */
export function checkFeatures(op: string, data: Features, width: number): number {
  if (!data || !(data.x instanceof Float32Array) || !Array.isArray(data.xShape)) {
    throw new ValueError(`${op}: expected features { x: Float32Array, xShape: [N, D] }`);
  }
  if (data.xShape.length !== 2 || data.xShape[0] * data.xShape[1] !== data.x.length) {
    throw new ShapeError(
      `${op}: expected x of shape [N, D] filled by its array, got ${formatShape(data.xShape)} with ${data.x.length} values`,
    );
  }
  if (data.xShape[1] !== width) {
    throw new ShapeError(
      `${op}: the data has ${data.xShape[1]} features but the layer expects ${width}, got x ${formatShape(data.xShape)}`,
    );
  }
  if (data.xShape[0] < 1) throw new ValueError(`${op}: the data is empty, got x ${formatShape(data.xShape)}`);
  return data.xShape[0];
}

/**
 * Throws ValueError unless every value lies in [0, 1]: Bernoulli visible units (`'rbm'`, the
 * default) or a cross-entropy reconstruction (`'autoencoder'`); the message says how to fix it.
 */
export function checkUnitInterval(op: string, x: ArrayLike<number>, model: 'rbm' | 'autoencoder' = 'rbm'): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(v >= 0 && v <= 1)) {
      const [who, fix] =
        model === 'rbm'
          ? ['Bernoulli visible units need', "use visible: 'gaussian'"]
          : ['cross-entropy reconstruction needs', "use loss: 'squaredError'"];
      throw new ValueError(`${op}: ${who} data in [0, 1], got ${v} at index ${i}; rescale the inputs or ${fix}`);
    }
  }
}

/**
 * Throws unless `v` is a tensor batch [N, `width`] with N ≥ 1: ShapeError for another rank or
 * width (instead of matmul's "inner dimensions differ"), ValueError for an empty batch (its
 * statistics would be 0/0, NaN in every weight).
 */
export function checkBatch(op: string, name: string, v: unknown, width: number): void {
  if (!(v instanceof Tensor))
    throw new ValueError(`${op}: expected ${name} to be a Tensor [N, ${width}], got ${formatValue(v)}`);
  if (v.rank !== 2 || v.shape[1] !== width)
    throw new ShapeError(
      `${op}: expected a batch ${name} of shape [N, ${width}] (one row per example, ${width} visible units), got ${formatShape(v.shape)}`,
    );
  if (v.shape[0] < 1) throw new ValueError(`${op}: the batch is empty, got ${name} ${formatShape(v.shape)}`);
}

/**
 * Checks data for an RBM's visible units before any update: Bernoulli units need values in
 * [0, 1] ({@link checkUnitInterval}), Gaussian ones finite values (NaN or ±∞ would make every
 * weight NaN). Throws ValueError; the message says how to fix it.
 */
export function checkVisibleData(op: string, visible: 'bernoulli' | 'gaussian', x: ArrayLike<number>): void {
  if (visible === 'bernoulli') {
    checkUnitInterval(op, x);
    return;
  }
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v))
      throw new ValueError(
        `${op}: Gaussian visible units need finite data, got ${v} at index ${i}; remove or impute the non-finite values`,
      );
  }
}

/** Throws ShapeError unless `sizes` has ≥ 2 positive integers (input width, then one width per layer). */
export function checkSizes(op: string, sizes: readonly number[]): void {
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new ShapeError(
      `${op}: sizes must list the input width and at least one layer width as positive integers, got [${sizes}]`,
    );
  }
}

/** Throws ShapeError unless layer i's output width equals layer i+1's input width. */
export function checkChain(op: string, layers: readonly { inputs: number; units: number }[]): void {
  for (let i = 0; i + 1 < layers.length; i++) {
    if (layers[i].units !== layers[i + 1].inputs) {
      throw new ShapeError(
        `${op}: layer sizes do not chain, got layer ${i} with ${layers[i].units} outputs feeding layer ${i + 1} with ${layers[i + 1].inputs} inputs`,
      );
    }
  }
}
