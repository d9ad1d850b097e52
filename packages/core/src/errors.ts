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

/** Training produced a NaN or infinite loss. */
export class NonFiniteLossError extends BackpropError {
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
  ) {
    super(
      `fit: the loss became ${loss} at epoch ${epoch}, batch ${batch}; lower the learning rate, check the inputs for NaN, or clip gradients`,
    );
  }
}

/** Formats a shape as `[2,3]` for messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
