/**
 * Typed errors. Messages read `<op>: <what is wrong>, got <values>; <hint>` and are thrown by
 * the public op before any kernel runs, so every backend fails the same way.
 */

/** Base class of every error Backprop throws on purpose. */
export class BackpropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the operation (rank, broadcasting, inner dimensions, sizes). */
export class ShapeError extends BackpropError {}

/** A dtype the operation does not accept, or two dtypes that must agree and do not. */
export class DTypeError extends BackpropError {}

/** An argument outside its allowed range (a negative rate, a NaN learning rate, an unknown name). */
export class ValueError extends BackpropError {}

/** The backend cannot run something: no backend set, a missing kernel, a disposed handle. */
export class BackendError extends BackpropError {}

/** Use of a tensor after it was disposed. */
export class DisposedError extends BackpropError {}

/**
 * A training step met a NaN or infinite loss or gradient. Nothing was updated: parameters,
 * buffers, optimizer state and generators are as they were before the step.
 */
export class NonFiniteLossError extends BackpropError {
  constructor(
    /** The epoch (from 1). */
    readonly epoch: number,
    /** The batch within the epoch (from 1). */
    readonly batch: number,
    /** The loss of the step (finite when only a gradient was not). */
    readonly loss: number,
    /** What was non-finite: "the loss (NaN)" or "the gradient of 0.weight". */
    readonly what = `the loss (${loss})`,
  ) {
    super(
      `fit: ${what} became non-finite at epoch ${epoch}, batch ${batch}; nothing was updated. Lower the learning rate, check the inputs for NaN, or clip gradients`,
    );
  }
}

/** Formats a shape as `[2,3]` for messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * An integer index outside its range: a `gather` or `oneHot` index, or a class label of
 * `losses.softmaxCrossEntropy` or the accuracy metric (a label is an index into the class
 * axis, so it is this error too, with `bound` the number of classes). `index` is the bad
 * value, `position` the flat (row-major) position of the first bad element in the index
 * tensor, and the valid range is [0, `bound`).
 */
export class IndexError extends BackpropError {
  constructor(
    readonly op: string,
    readonly index: number,
    readonly position: number,
    readonly bound: number,
    message = `${op}: index ${index} at position ${position} is out of range [0, ${bound})`,
  ) {
    super(message);
  }
}

/**
 * A safetensors file (or checkpoint) that cannot be read or written safely: a malformed header,
 * offsets that overlap or leave gaps, a dtype Backprop does not have, data that fails its checksum.
 * `entry` names the tensor at fault (or `'header'` / `'__metadata__'`); `rule` is a short stable id
 * of the broken rule (`'offsets-contiguous'`, `'checksum'`, ...) for code that handles cases apart.
 * It extends ValueError, so code that caught ValueError from `loadSafetensors` keeps working.
 */
export class CheckpointError extends ValueError {
  constructor(
    readonly entry: string | undefined,
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}
