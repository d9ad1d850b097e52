/** Argument checks shared by the losses. */
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';

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
