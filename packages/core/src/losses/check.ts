/** Argument checks shared by the losses, and the host-side index check `gather`, `oneHot` and class labels use. */
import { DTypeError, formatShape, IndexError, ShapeError, ValueError } from '../errors.js';
import { hostValues } from '../ops/operand.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { formatValue } from '../validate.js';

/**
 * Throws a ValueError for arguments after (prediction, target): the losses have no options, and
 * PyTorch's `reduction: 'sum'` passed here would otherwise be ignored, scaling every gradient by 1/N.
 */
export function noMoreArguments(op: string, extra: readonly unknown[]): void {
  if (extra.length > 0)
    throw new ValueError(
      `${op}: takes (prediction, target) only and has no options, got a third argument ${formatValue(extra[0])}; for a sum over the batch, multiply the loss by the batch size`,
    );
}

/** Throws unless prediction and target are float32 tensors of one shape. */
export function sameShapeFloat(op: string, prediction: Tensor, target: Tensor): void {
  if (prediction.dtype !== 'float32' || target.dtype !== 'float32') {
    throw new DTypeError(`${op}: expected float32 prediction and target, got ${prediction.dtype} and ${target.dtype}`);
  }
  if (!shapesEqual(prediction.shape, target.shape)) {
    throw new ShapeError(
      `${op}: prediction ${formatShape(prediction.shape)} and target ${formatShape(target.shape)} differ`,
    );
  }
}

/** One call of {@link checkIndexRange}, as a trace records it. */
export interface IndexCheck {
  readonly op: string;
  readonly indices: Tensor;
  readonly bound: number;
  readonly label: boolean;
}

const indexCheckObservers = new Set<(check: IndexCheck) => void>();

/**
 * Calls `observer` with every index check made until the returned function is called: `trace`
 * records the checks of a compiled function's own inputs (class labels passed to a training
 * step), and `compile` repeats them on every call that runs the graph instead of the function.
 */
export function observeIndexChecks(observer: (check: IndexCheck) => void): () => void {
  indexCheckObservers.add(observer);
  return () => indexCheckObservers.delete(observer);
}

/**
 * Throws an IndexError for the first element of int32 `indices` outside [0, `bound`), reading
 * the values on the host (one pass) when that is possible without waiting; skips the check
 * otherwise (see `hostValues`). `label` words the message for class labels (`bound` classes).
 * A compiled function repeats the check on every call for indices it was given as an argument
 * (see `observeIndexChecks`); indices it computes itself are checked when it is traced.
 */
export function checkIndexRange(op: string, indices: Tensor, bound: number, label = false): void {
  for (const observe of indexCheckObservers) observe({ op, indices, bound, label });
  if (indices.size === 0) return;
  const values = hostValues(indices);
  if (!values) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= 0 && v < bound) continue;
    throw new IndexError(
      op,
      v,
      i,
      bound,
      label
        ? `${op}: label ${v} at position ${i} is out of range [0, ${bound}) for ${bound} classes; labels must be class indices 0…${bound - 1}`
        : undefined,
    );
  }
}

/**
 * Checks class labels for `numClasses` classes: int32 (a float tensor of labels is a
 * DTypeError naming `op`), each in [0, numClasses) (an IndexError, see `checkIndexRange`).
 */
export function checkClassLabels(op: string, labels: Tensor, numClasses: number): void {
  if (labels.dtype !== 'int32') {
    throw new DTypeError(
      `${op}: class labels must be int32, got ${labels.dtype}${formatShape(labels.shape)}; cast them with \`labels.cast('int32')\``,
    );
  }
  checkIndexRange(op, labels, numClasses, true);
}
