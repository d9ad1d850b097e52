/**
 * Gradient tapes: while a tape is open, every differentiable op whose input depends on a
 * watched tensor records a node (its inputs and its vector–Jacobian product). Backward is a
 * topological sort with an explicit stack and one loop, as in micrograd.
 */
import { BackpropError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** A vector–Jacobian product: the gradient of each input given the output's gradient (null: none). */
export type Vjp = (dy: Tensor) => readonly (Tensor | null)[];

interface Node {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly vjp: Vjp;
}

/** One recording of a computation. */
export class Tape {
  /** Ids of watched tensors and of everything computed from them. */
  readonly live = new Set<number>();
  readonly nodes = new Map<number, Node>();
}

const tapes: Tape[] = [];

/**
 * True while any tape is recording.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, isRecording, setBackend, sum, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(isRecording()); // false
 * grad((x) => (console.log(isRecording()), sum(x)))(tensor([1])); // true inside a gradient
 * ```
 */
export function isRecording(): boolean {
  return tapes.length > 0;
}

/** Opens a tape watching `sources`. */
export function openTape(sources: readonly Tensor[]): Tape {
  const tape = new Tape();
  for (const s of sources) tape.live.add(s.id);
  tapes.push(tape);
  return tape;
}

/** Closes `tape` (the innermost). */
export function closeTape(tape: Tape): void {
  const i = tapes.lastIndexOf(tape);
  if (i >= 0) tapes.splice(i, 1);
}

/**
 * Records `out = op(inputs)` with its vector–Jacobian product on every open tape that
 * watches one of the inputs. Returns `out`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { exp, grad, mul, record, setBackend, sum, tensor, withoutRecording, type Tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const myExp = (x: Tensor) => record('myExp', withoutRecording(() => exp(x)), [x], (dy) => [mul(dy, exp(x))]);
 * console.log(await grad((x) => sum(myExp(x)))(tensor([0]))[0].data()); // Float32Array [1]
 * ```
 */
export function record(op: string, out: Tensor, inputs: readonly Tensor[], vjp: Vjp): Tensor {
  for (const tape of tapes) {
    if (inputs.some((x) => tape.live.has(x.id))) {
      tape.live.add(out.id);
      tape.nodes.set(out.id, { op, inputs, vjp });
    }
  }
  return out;
}

/**
 * Propagates `dy` from `y` back through `tape`; returns the accumulated gradient of every
 * tensor on the tape by id. `add` sums two gradients (passed in to avoid an import cycle).
 */
export function backward(
  tape: Tape,
  y: Tensor,
  dy: Tensor,
  add: (a: Tensor, b: Tensor) => Tensor,
): Map<number, Tensor> {
  const order: Tensor[] = [];
  const visited = new Set<number>();
  const stack: [Tensor, boolean][] = [[y, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (visited.has(t.id)) continue;
    visited.add(t.id);
    stack.push([t, true]);
    const node = tape.nodes.get(t.id);
    if (node) for (const x of node.inputs) if (tape.live.has(x.id) && !visited.has(x.id)) stack.push([x, false]);
  }
  const grads = new Map<number, Tensor>([[y.id, dy]]);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const node = tape.nodes.get(t.id);
    const g = grads.get(t.id);
    if (!node || !g) continue;
    const inputGrads = node.vjp(g);
    if (inputGrads.length !== node.inputs.length) {
      throw new BackpropError(
        `${node.op}: gradient rule returned ${inputGrads.length} gradients for ${node.inputs.length} inputs`,
      );
    }
    node.inputs.forEach((x, k) => {
      const gx = inputGrads[k];
      if (!gx || !tape.live.has(x.id)) return;
      const prev = grads.get(x.id);
      grads.set(x.id, prev ? add(prev, gx) : gx);
    });
  }
  return grads;
}

/**
 * Runs `fn` with every tape paused: nothing it computes is recorded.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, mul, setBackend, sum, tensor, withoutRecording } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const [g] = grad((x) => sum(mul(x, withoutRecording(() => mul(x, 1)))))(tensor([3]));
 * console.log(await g.data()); // Float32Array [3]: the inner product is a constant
 * ```
 */
export function withoutRecording<T>(fn: () => T): T {
  const saved = tapes.splice(0, tapes.length);
  try {
    return fn();
  } finally {
    tapes.push(...saved);
  }
}

/**
 * Defines a composite op with its own gradient: `forward` runs unrecorded, then one node
 * with `vjp` is recorded. Use where the composed gradient would be slower or less exact.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { customOp, grad, maximum, minimum, mul, setBackend, sum, tensor, type Tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * // The identity, with its incoming gradient clipped to [-1, 1]: a custom vjp.
 * const clipGrad = (x: Tensor) => customOp('clipGrad', [x], () => mul(x, 1), (dy) => [minimum(maximum(dy, -1), 1)]);
 * console.log(await grad((x) => sum(mul(clipGrad(x), 5)))(tensor([1]))[0].data()); // Float32Array [1]: 5, clipped
 * ```
 */
export function customOp(
  op: string,
  inputs: readonly Tensor[],
  forward: () => Tensor,
  vjp: (dy: Tensor, y: Tensor) => readonly (Tensor | null)[],
): Tensor {
  const y = withoutRecording(forward);
  return record(op, y, inputs, (dy) => vjp(dy, y));
}
