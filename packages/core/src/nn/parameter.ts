/** Parameter: a named, trainable slot holding a tensor that training replaces step by step. */
import { brandOf, otherCopyHint } from '../copies.js';
import { keep } from '../engine.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { stopGradient } from '../ops/reshape.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { formatValue } from '../validate.js';

/** The parameter whose value each tensor is (a parameter disposes its value when it replaces it). */
const holders = new WeakMap<Tensor, Parameter>();

/**
 * `value` for parameter `p` to hold: the tensor itself, or, when it is already another live
 * parameter's value, a view of it (a new tensor over the same storage). Each parameter then
 * disposes only its own tensor, and an update written in place never reaches the other one,
 * whose storage it shares (two views), so the two train independently from the same start.
 */
function own(p: Parameter, value: Tensor): Tensor {
  const other = holders.get(value);
  const mine = other && other !== p && other.value === value ? stopGradient(value) : value;
  holders.set(mine, p);
  return keep(mine);
}

/**
 * A trainable value. Tensors are immutable to their readers, so an update assigns a new tensor,
 * or, in a training step on a backend that updates in place (backend-cpu), writes the new values
 * into the parameter's own tensor when nothing else shares its storage. To keep the values of a
 * moment, hold a view (`stopGradient(p.value)`, `p.value.reshape(...)`): a parameter with a view
 * is always updated out of place, so the view keeps what it saw. Given a tensor that is another
 * parameter's value (`new Parameter('b', a.value)`), a parameter holds a view of it: the two start
 * equal and train independently.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { Parameter, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const w = new Parameter('w', tensor([1, 2]));
 * w.assign(tensor([3, 4])); // the old value is disposed
 * console.log(await w.value.data()); // Float32Array [3, 4]
 * ```
 */
export class Parameter {
  #value: Tensor;
  /** False to freeze it: optimizers skip it and `fit` takes no gradient for it. */
  trainable = true;

  constructor(
    /** Dotted path within the model, e.g. `layers.0.weight`. */
    public name: string,
    value: Tensor,
  ) {
    if (!(value instanceof Tensor))
      throw new ValueError(
        `Parameter: ${name} takes a Tensor, got ${formatValue(value)}${otherCopyHint(value, 'Tensor')}`,
      );
    value.assertLive(`Parameter (${name})`);
    this.#value = own(this, value);
  }

  /**
   * The current value (kept alive by the parameter; do not dispose it). After a training step it
   * may be the same tensor holding the new values; hold a view to keep the old ones.
   */
  get value(): Tensor {
    return this.#value;
  }

  get shape(): readonly number[] {
    return this.#value.shape;
  }

  /** Replaces the value with `next` (same shape and dtype); the old value is disposed. */
  assign(next: Tensor): void {
    if (!(next instanceof Tensor))
      throw new ValueError(
        `Parameter.assign: ${this.name} takes a Tensor, got ${formatValue(next)}${otherCopyHint(next, 'Tensor')}`,
      );
    if (!shapesEqual(next.shape, this.#value.shape)) {
      throw new ShapeError(
        `Parameter.assign: ${this.name} has shape ${formatShape(this.#value.shape)}, got ${formatShape(next.shape)}`,
      );
    }
    if (next.dtype !== this.#value.dtype)
      throw new DTypeError(`Parameter.assign: ${this.name} is ${this.#value.dtype}, got ${next.dtype}`);
    next.assertLive('Parameter.assign');
    if (next === this.#value) return;
    const old = this.#value;
    this.#value = own(this, next);
    old.dispose();
  }

  /** Frees the value. */
  dispose(): void {
    this.#value.dispose();
  }
}

// The brand every copy of @backprop/core recognises (see copies.ts).
Object.defineProperty(Parameter.prototype, brandOf('Parameter'), { value: true });
