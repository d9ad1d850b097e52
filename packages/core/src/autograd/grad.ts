/**
 * Reverse-mode differentiation: `valueAndGrad`, `grad` and `vjp`. Intermediates of the
 * function are freed while the gradients are computed — each intermediate gradient once
 * consumed, each op's output once the backward pass has read it for the last time — and the
 * rest when they are done; only the value and gradients remain.
 */
import { endScope, startScope } from '../engine.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import { add } from '../ops/binary.js';
import { onesLike, zerosLike } from '../ops/creation.js';
import { describeValue } from '../ops/operand.js';
import { Tensor } from '../tensor.js';
import { backward, closeTape, isRecording, openTape, type Release } from './tape.js';

/** The loss and one gradient per argument. */
export interface ValueAndGrad {
  value: Tensor;
  grads: Tensor[];
}

function checkFunction(op: string, f: unknown): void {
  if (typeof f !== 'function')
    throw new ValueError(`${op}: expected the function to differentiate, got ${describeValue(f)}`);
}

function checkArgs(op: string, args: readonly Tensor[]): void {
  if (!Array.isArray(args))
    throw new ValueError(
      `${op}: the arguments must be a list of tensors, got ${describeValue(args)}${args instanceof Tensor ? `; wrap it in a list: ${op}(f, [x])` : ''}`,
    );
  args.forEach((a, i) => {
    if (!(a instanceof Tensor)) throw new ValueError(`${op}: argument ${i} must be a Tensor, got ${typeof a}`);
    a.assertLive(op);
  });
}

/**
 * Vector–Jacobian product: runs `f(...args)` and returns its output `y` and, for each
 * argument, the gradient of Σ(y · dy) (dy defaults to ones). `args` is a list of tensors and
 * `dy` a tensor shaped like `y`: anything else is a ValueError (a ShapeError for `dy`'s shape).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { mul, setBackend, tensor, vjp } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const { value, grads } = vjp((x) => mul(x, x), [tensor([1, 2])], tensor([1, 10]));
 * console.log(await value.data(), await grads[0].data()); // Float32Array [1, 4] Float32Array [2, 40]
 * ```
 */
export function vjp(f: (...args: Tensor[]) => Tensor, args: readonly Tensor[], dy?: Tensor): ValueAndGrad {
  const { value, grads } = differentiate(f, args, dy);
  return { value, grads };
}

/**
 * `vjp`'s work, for `vjp`, `valueAndGrad` and `grad`: also says whether the value was made by
 * this call (so `grad` frees it) rather than being an argument or a tensor from outside (which
 * stay the caller's). With `scalarOp`, a value of more than one element is a ShapeError naming
 * it, raised before the backward pass and leaving nothing behind.
 */
function differentiate(
  f: (...args: Tensor[]) => Tensor,
  args: readonly Tensor[],
  dy?: Tensor,
  scalarOp?: string,
): ValueAndGrad & { made: boolean } {
  checkFunction('vjp', f);
  checkArgs('vjp', args);
  if (dy !== undefined) {
    if (!(dy instanceof Tensor))
      throw new ValueError(
        `vjp: dy must be a Tensor shaped like the output (or undefined for ones), got ${describeValue(dy)}`,
      );
    dy.assertLive('vjp');
  }
  const scope = startScope();
  const tape = openTape(args);
  let value: Tensor;
  let grads: Tensor[];
  try {
    value = f(...args);
    if (!(value instanceof Tensor)) throw new ValueError(`vjp: the function must return a Tensor, got ${typeof value}`);
    if (scalarOp !== undefined && value.size !== 1)
      throw new ShapeError(
        `${scalarOp}: the function must return a scalar, got ${formatShape(value.shape)}; use vjp for other outputs`,
      );
    closeTape(tape);
    const seed = dy ?? onesLike(value);
    if (dy && formatShape(dy.shape) !== formatShape(value.shape)) {
      throw new ShapeError(`vjp: dy has shape ${formatShape(dy.shape)} but the output has ${formatShape(value.shape)}`);
    }
    // Free early only what this call owns and would free at its end anyway: tensors made in its
    // scope, not kept, not the value. Inside another gradient (higher order) nothing is freed:
    // the outer tape records the backward pass and reads its intermediates.
    const forward = new Set(scope);
    const release: Release | undefined = isRecording()
      ? undefined
      : (t, kind) => t !== value && !t.kept && scope.has(t) && (kind === 'output' ? forward.has(t) : !forward.has(t));
    const all = backward(tape, value, seed, add, release);
    grads = args.map((a) => all.get(a.id) ?? zerosLike(a));
  } catch (e) {
    closeTape(tape);
    endScope(new Set(), isRecording());
    throw e;
  }
  const made = scope.has(value) && !value.kept;
  endScope(new Set([value, ...grads]), isRecording());
  return { value, grads, made };
}

/**
 * Returns a function computing `f`'s scalar value and its gradient with respect to each argument.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, sum, square, tensor, valueAndGrad } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const f = valueAndGrad((x) => sum(square(x)));
 * const { value, grads } = f(tensor([1, 2, 3]));
 * console.log(await value.item(), await grads[0].data()); // 14 Float32Array [2, 4, 6]
 * ```
 */
export function valueAndGrad(f: (...args: Tensor[]) => Tensor): (...args: Tensor[]) => ValueAndGrad {
  checkFunction('valueAndGrad', f);
  return (...args) => {
    const { value, grads } = differentiate(f, args, undefined, 'valueAndGrad');
    return { value, grads };
  };
}

/**
 * Returns a function computing the gradient of scalar `f` with respect to each argument.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, mul, setBackend, sum, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const [dx, dy] = grad((x, y) => sum(mul(x, y)))(tensor([1, 2]), tensor([3, 4]));
 * console.log(await dx.data(), await dy.data()); // Float32Array [3, 4] Float32Array [1, 2]
 * ```
 */
export function grad(f: (...args: Tensor[]) => Tensor): (...args: Tensor[]) => Tensor[] {
  checkFunction('grad', f);
  return (...args) => {
    const { value, grads, made } = differentiate(f, args, undefined, 'grad');
    // Only a value this call made is freed: an argument or a tensor from outside returned as it
    // is (grad((a) => a)) stays the caller's.
    if (made && !isRecording() && !grads.includes(value)) value.dispose();
    return grads;
  };
}
