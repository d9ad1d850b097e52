/**
 * Gradient tapes: while a tape is open, every differentiable op whose input depends on a
 * watched tensor records a node (its inputs and its vector–Jacobian product). Backward is a
 * topological sort with an explicit stack and one loop, as in micrograd.
 */
import { endScope, startScope } from '../engine.js';
import { BackpropError, DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * A vector–Jacobian product: the gradient of each input given the output's gradient (null: none).
 * `needs[i]` says whether the backward pass uses input i's gradient (false for a constant, data or
 * labels): a rule may return null there instead of computing it, as PyTorch's `needs_input_grad`.
 */
export type Vjp = (dy: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];

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
 * watches one of the inputs. Returns `out`. The vjp may read `inputs`, `out` and tensors made
 * outside the gradient call; the backward pass frees other ops' outputs as soon as their own
 * rules and their consumers' have run, so a vjp that captured one of those finds it disposed
 * (a typed error): list such a tensor among `inputs`.
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
 * What {@link backward} may free early, asked once per tensor: `'gradient'`, a gradient it made
 * that it has consumed; `'output'`, an op's output (a saved activation) once that op's
 * gradient rule and every consumer's have run. Return true only for tensors no one else holds.
 */
export type Release = (t: Tensor, kind: 'gradient' | 'output') => boolean;

/**
 * Propagates `dy` from `y` back through `tape`; returns the accumulated gradient of every
 * tensor on the tape by id. `add` sums two gradients (passed in to avoid an import cycle).
 * With `release`, each gradient rule's temporaries are freed when it returns, each intermediate
 * gradient as soon as its op's rule has consumed it (and partial sums once added), and each op's output once nothing later in the
 * pass reads it, where `release` allows: the peak is then the forward's activations plus the
 * gradients in flight, not every gradient of the pass. Freed tensors leave the returned map;
 * the sources' gradients stay.
 */
export function backward(
  tape: Tape,
  y: Tensor,
  dy: Tensor,
  add: (a: Tensor, b: Tensor) => Tensor,
  release?: Release,
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
  // How many entries of `grads` hold each tensor (a rule may return one tensor for two inputs).
  const holders = new Map<Tensor, number>([[dy, 1]]);
  const hold = (g: Tensor, n: number) => {
    const k = (holders.get(g) ?? 0) + n;
    if (k > 0) holders.set(g, k);
    else holders.delete(g);
  };
  const free = (t: Tensor, kind: 'gradient' | 'output') => {
    if (!t.disposed && !holders.has(t) && release?.(t, kind)) t.dispose();
  };
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const node = tape.nodes.get(t.id);
    const g = grads.get(t.id);
    if (!node || !g) continue;
    // Only inputs on the tape get a gradient: rules skip the rest (a layer's input gradient when
    // the input is data — a fifth of an MLP step's matmul work).
    const needs = node.inputs.map((x) => tape.live.has(x.id));
    const inputGrads = release ? scoped(() => node.vjp(g, needs)) : node.vjp(g, needs);
    if (inputGrads.length !== node.inputs.length) {
      throw new BackpropError(
        `${node.op}: gradient rule returned ${inputGrads.length} gradients for ${node.inputs.length} inputs`,
      );
    }
    const spent: Tensor[] = [];
    node.inputs.forEach((x, k) => {
      const gx = inputGrads[k];
      if (!gx) return;
      // A gradient of another shape would broadcast when added to the input's other gradients.
      if (!shapesEqual(gx.shape, x.shape))
        throw new ShapeError(
          `${node.op}: gradient rule returned shape ${formatShape(gx.shape)} for input ${k} of shape ${formatShape(x.shape)}`,
        );
      if (!tape.live.has(x.id)) {
        spent.push(gx);
        return;
      }
      const prev = grads.get(x.id);
      const next = prev ? add(prev, gx) : gx;
      grads.set(x.id, next);
      hold(next, 1);
      if (prev) {
        hold(prev, -1);
        spent.push(prev, gx);
      }
    });
    if (!release) continue;
    // t's gradient is complete and consumed; t itself was read by its consumers' rules (run
    // before this one, in reverse topological order) and by its own.
    grads.delete(t.id);
    hold(g, -1);
    spent.push(g);
    for (const s of spent) free(s, 'gradient');
    if (t !== y) free(t, 'output');
  }
  return grads;
}

/** Runs a gradient rule in its own scope: its temporaries are freed at once, its gradients kept. */
function scoped(vjp: () => readonly (Tensor | null)[]): readonly (Tensor | null)[] {
  startScope();
  let out: readonly (Tensor | null)[];
  try {
    out = vjp();
  } catch (e) {
    endScope(new Set());
    throw e;
  }
  endScope(new Set(Array.isArray(out) ? out.filter((t): t is Tensor => t !== null && typeof t === 'object') : []));
  return out;
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
 * with `vjp` is recorded. Use where the composed gradient would be slower or less exact. `vjp`'s
 * `needs[i]` is false when input i's gradient goes unused (return null there to skip its work).
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
  vjp: (dy: Tensor, y: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[],
): Tensor {
  const y = withoutRecording(forward);
  if (!isTensorLike(y)) throw new ValueError(`customOp(${op}): forward must return a Tensor, got ${describe(y)}`);
  return record(op, y, inputs, (dy, needs) => {
    const grads = vjp(dy, y, needs);
    // What backward cannot tell from a gradient's shape: a value that is no tensor, or an integer
    // gradient for a float input (it would come back as that input's "gradient").
    if (Array.isArray(grads))
      grads.forEach((g, k) => {
        if (g === null || g === undefined) return;
        if (!isTensorLike(g))
          throw new ValueError(
            `customOp(${op}): the gradient rule returned ${describe(g)} for input ${k}; return a Tensor or null`,
          );
        const want = inputs[k]?.dtype;
        if (want === 'float32' && g.dtype !== 'float32')
          throw new DTypeError(
            `customOp(${op}): the gradient rule returned a ${g.dtype} gradient for float32 input ${k}; gradients of float inputs are float32`,
          );
      });
    return grads;
  });
}

/** A tensor (duck-typed: this module imports Tensor only as a type). */
const isTensorLike = (v: unknown): v is Tensor =>
  typeof v === 'object' && v !== null && 'shape' in v && 'dtype' in v && 'ref' in v;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);
