/**
 * Typed errors. Messages read `<op>: <what is wrong>, got <values>; <hint>` and are thrown by
 * the public op before any kernel runs, so every backend fails the same way.
 */

/**
 * Base class of every error Backprop throws on purpose.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { add, BackpropError, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * try {
 *   add(tensor([1, 2]), tensor([1, 2, 3]));
 * } catch (e) {
 *   if (e instanceof BackpropError) console.log(e.name, e.message); // ShapeError add: …
 * }
 * ```
 */
export class BackpropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Shapes that do not fit the operation (rank, broadcasting, inner dimensions, sizes).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { matmul, setBackend, ShapeError, zeros } from '@backprop/core';
 *
 * await setBackend(cpu());
 * try {
 *   matmul(zeros([2, 3]), zeros([2, 3]));
 * } catch (e) {
 *   console.log(e instanceof ShapeError); // true: inner dimensions 3 and 2 differ
 * }
 * ```
 */
export class ShapeError extends BackpropError {}

/**
 * A dtype the operation does not accept, or two dtypes that must agree and do not.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { DTypeError, gather, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * try {
 *   gather(tensor([1, 2]), tensor([0.5])); // indices must be int32
 * } catch (e) {
 *   console.log(e instanceof DTypeError); // true
 * }
 * ```
 */
export class DTypeError extends BackpropError {}

/**
 * An argument outside its allowed range (a negative rate, a NaN learning rate, an unknown name).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { bernoulli, setBackend, ValueError } from '@backprop/core';
 *
 * await setBackend(cpu());
 * try {
 *   bernoulli([2], 1.5);
 * } catch (e) {
 *   console.log(e instanceof ValueError, (e as Error).message); // true 'bernoulli: p must be in [0, 1], got 1.5'
 * }
 * ```
 */
export class ValueError extends BackpropError {}

/**
 * The backend cannot run something: no backend set, a missing kernel, a disposed handle.
 *
 * @example
 * ```ts
 * import { BackendError, tensor } from '@backprop/core';
 *
 * try {
 *   tensor([1, 2]); // before any setBackend
 * } catch (e) {
 *   console.log(e instanceof BackendError); // true: "call `await setBackend(cpu())` first"
 * }
 * ```
 */
export class BackendError extends BackpropError {}

/**
 * Use of a tensor after it was disposed.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { DisposedError, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const x = tensor([1, 2]);
 * x.dispose();
 * try {
 *   await x.data();
 * } catch (e) {
 *   console.log(e instanceof DisposedError); // true
 * }
 * ```
 */
export class DisposedError extends BackpropError {}

/**
 * A training step met a NaN or infinite loss or gradient. Nothing was updated: parameters,
 * buffers, optimizer state and generators are as they were before the step. The message starts
 * with the operation that ran the step (`fit`, or `trainStep` for a step called in your own loop);
 * the epoch and batch are the training state's position (a step of your own loop counts batches
 * from its state's position, epoch 1 unless you set it).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, NonFiniteLossError, nn, setBackend, tensor } from '@backprop/core';
 * import { sgd } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * try {
 *   await fit(model, tensor([[NaN]]), tensor([[1]]), { loss: losses.mse, optimizer: sgd(), verbose: false });
 * } catch (e) {
 *   if (e instanceof NonFiniteLossError) console.log(e.epoch, e.batch); // 1 1; the model is unchanged
 * }
 * ```
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
    /**
     * The operation that ran the step: `'fit'`, `'trainStep'` when a step made by `trainStep` was
     * called directly, or the function of another package that trains with it (`'trainAutoencoder'`,
     * `'trainRbm'`).
     */
    readonly operation: string = 'fit',
  ) {
    super(
      `${operation}: ${what} became non-finite at epoch ${epoch}, batch ${batch}; nothing was updated. Lower the learning rate, check the inputs for NaN, or clip gradients`,
    );
  }
}

/**
 * Formats a shape as `[2,3]` for messages.
 *
 * @example
 * ```ts
 * import { formatShape } from '@backprop/core';
 *
 * console.log(formatShape([2, 3])); // '[2,3]'
 * ```
 */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * An integer index outside its range: a `gather` or `oneHot` index, or a class label of
 * `losses.softmaxCrossEntropy` or the accuracy metric (a label is an index into the class
 * axis, so it is this error too, with `bound` the number of classes). `index` is the bad
 * value, `position` the flat (row-major) position of the first bad element in the index
 * tensor, and the valid range is [0, `bound`).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { gather, IndexError, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * try {
 *   gather(tensor([10, 20]), tensor([5], [1], 'int32'));
 * } catch (e) {
 *   if (e instanceof IndexError) console.log(e.index, e.bound); // 5 2
 * }
 * ```
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
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { CheckpointError, loadCheckpoint, nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * try {
 *   loadCheckpoint(new Uint8Array([1, 2, 3]), nn.sequential(nn.dense(2, 2)));
 * } catch (e) {
 *   if (e instanceof CheckpointError) console.log(e.rule, e.message); // what was wrong; the model is unchanged
 * }
 * ```
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
