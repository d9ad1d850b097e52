/**
 * `compile(fn)`: captures a function of tensors — typically a whole training step — as a
 * graph, and runs later calls as that graph: as one unit on backends with `compileGraph`
 * (ONNX Runtime: one run per call, state kept by the runtime), replayed kernel by kernel on
 * the others. Results are the same either way.
 */

import { isRecording, withoutRecording } from '../autograd/tape.js';
import { endScope, getBackend, makeTensor, startScope } from '../engine.js';
import { BackendError, ValueError } from '../errors.js';
import { checkIndexRange } from '../losses/check.js';
import { dispose } from '../memory.js';
import { Tensor } from '../tensor.js';
import { checkOptionNames, optionNames } from '../validate.js';
import { type CompiledGraph, type Graph, valueDType } from './graph.js';
import { replay } from './replay.js';
import type { CompiledState } from './state.js';
import { type CompiledResult, type Trace, trace } from './trace.js';

/** Options of {@link compile}. */
export interface CompileOptions {
  /** Tensors that persist between calls: read before each call, replaced after it. */
  state?: CompiledState[];
  /** Traces to try before giving up on replay (default 3). */
  maxTraces?: number;
}

/** How a compiled function runs now. */
export type CompiledMode = 'tracing' | 'graph' | 'eager';

/** A compiled function: call it like the original. */
export interface CompiledFunction<R extends CompiledResult> {
  (...args: Tensor[]): R;
  /**
   * 'tracing' until two consecutive calls trace the same graph, then 'graph' ('tracing' again
   * once a tensor the graph captured is disposed); 'eager' if they never agreed or `fn` does what
   * a graph cannot repeat (see `reason`).
   */
  readonly mode: CompiledMode;
  /** Why the function runs eagerly, when it does. */
  readonly reason: string | undefined;
  /** The graph replayed for the latest input shapes, once there is one. */
  readonly graph: Graph | undefined;
  /**
   * Forgets the graphs, and why it ran eagerly, and frees every tensor they hold (their views of
   * captured tensors and host constants, a backend's compiled graph): the next calls trace again.
   * Call it after a change a graph cannot see: a host number the function reads (a learning rate
   * kept in a variable), or a variable the function reads pointed at a new tensor while the old
   * one stays alive. Disposing a tensor the graph captured needs no call (a parameter's new value
   * disposes the old one): the next call traces again by itself.
   */
  invalidate(): void;
  /**
   * Frees every tensor the compiled function holds, as `invalidate()` does: call it when done with
   * the function (as `trainStep`'s `dispose()`), so that `liveTensorCount()` and `memory()` come
   * back to what they were. A later call traces again.
   */
  dispose(): void;
}

interface Entry {
  traces: number;
  last?: Trace;
  graph?: Graph;
  /** The graph's trace's index checks of its arguments and state, repeated before every run. */
  checks?: Trace['checks'];
  /** The tensors from outside the function the graph holds: it stands while they all live. */
  captured?: Trace['captured'];
  compiled?: CompiledGraph;
  held: Tensor[];
  eager?: string;
  /** A trace was set aside because a tensor it captured was replaced before the next call. */
  replaced?: boolean;
}

/** The first tensor of `t` (a trace's `captured`) disposed since it was traced, if any. */
const disposedCapture = (t: readonly Tensor[] | undefined): Tensor | undefined => t?.find((c) => c.disposed);

/**
 * Compiles `fn`. The first calls run `fn` eagerly while tracing it; once two consecutive
 * traces agree (same kernels, shapes, host numbers and captured tensors), later calls with
 * inputs of the same shapes run the graph without calling `fn`. Outputs are not recorded for
 * autograd. A call gives what the eager call gives, or `fn` runs eagerly (`mode` is 'eager' and
 * `reason` says why), or it throws the eager call's error:
 *
 * - Host numbers are frozen into the graph, as in `tf.function` and `jax.jit`: a function whose
 *   host numbers change every call (a step counter kept in JavaScript, random draws from the
 *   global generator or from a module's own, as a seeded dropout layer's masks) never agrees with
 *   itself and keeps running eagerly, with the same results. A host number that
 *   changes after the graph is built is not seen: call `invalidate()`.
 * - A function that reads tensor values while traced (`dataSync()`, `data()`, `item()`,
 *   `array()`) runs eagerly: a graph would repeat the branch, index or number read on the traced
 *   call instead of reading again.
 * - The index checks `fn` made on its arguments and state (class labels of a loss, indices of
 *   `gather`, `oneHot` or `scatterAdd`) run again before every run of the graph, so an
 *   out-of-range label is the same IndexError as in the eager call, not a NaN loss. A graph
 *   cannot check indices `fn` computes itself (`cast(y, 'int32')`, `add(i, 1)`): such a function
 *   runs eagerly, unless the graph proves them in range (`argmax` along an axis no longer than
 *   the bound, a comparison cast to int32).
 * - Tensors `fn` uses without receiving them (a module's weights, a tensor in a closure) are
 *   captured: the graph holds those tensors, not the variables that named them. When one is
 *   disposed, the next call traces again; assigning a parameter (a training step,
 *   `loadStateDict`, `Parameter.assign`) or a buffer disposes the value it replaces, so a compiled
 *   forward follows training. A tensor a graph holds is never written in place: updates of it run
 *   out of place. NOTE: a variable pointed at a new tensor while the old one stays alive is not
 *   seen, and the graph keeps using the old tensor until `invalidate()`; dispose the old tensor,
 *   or pass the tensor as an argument. A view `fn` makes of a captured tensor
 *   (`reshape(w, …)`, `stopGradient(w)`) hides which tensor it views, so such a function runs
 *   eagerly; make the view outside it.
 * - A call leaves only what it returns and the state it writes: the tensors `fn` makes and
 *   neither returns, keeps (`keep`) nor holds as state are freed when the call ends, as in
 *   `tidy`, whether the call traces, runs the graph or runs `fn` eagerly. The graphs hold views of
 *   the tensors they captured and of their host constants until `invalidate()` or `dispose()`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { add, compile, mul, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const affine = compile((x, w) => add(mul(x, w), 1));
 * for (let i = 0; i < 4; i++) affine(tensor([1, 2]), tensor([3, 4])); // traces twice, then replays the graph
 * console.log(affine.mode, await affine(tensor([1, 2]), tensor([3, 4])).data()); // 'graph' Float32Array [4, 9]
 * ```
 */
export function compile<R extends CompiledResult>(
  fn: (...args: Tensor[]) => R,
  options: CompileOptions = {},
): CompiledFunction<R> {
  if (typeof fn !== 'function') throw new ValueError('compile: expected a function of tensors');
  checkOptionNames('compile', options, optionNames<CompileOptions>({ state: true, maxTraces: true }));
  const { state = [], maxTraces = 3 } = options;
  if (!Number.isInteger(maxTraces) || maxTraces < 2)
    throw new ValueError(`compile: maxTraces must be an integer ≥ 2, got ${maxTraces}`);
  const entries = new Map<string, Entry>();
  const returnsArray = new WeakMap<Entry, boolean>();
  let latest: Entry | undefined;

  /** An eager call that frees what `fn` made and leaves behind, as a traced call does (see `trace`). */
  const owned = (args: Tensor[]): R => {
    startScope();
    let result: R;
    try {
      result = fn(...args);
    } catch (err) {
      endScope(new Set(), isRecording());
      throw err;
    }
    const results: unknown[] = Array.isArray(result) ? result : [result];
    const keep = [...results, ...state.flatMap((s) => s.read())].filter((t): t is Tensor => t instanceof Tensor);
    endScope(new Set(keep), isRecording());
    return result;
  };

  const drop = (e: Entry) => {
    dispose(e.held);
    if (e.last) dispose(e.last.held);
    e.compiled?.dispose?.();
  };

  const run = (e: Entry, args: Tensor[]): R => {
    const backend = getBackend();
    const stateIn = state.map((s) => s.read());
    const flat = stateIn.flat();
    // Class labels and indices given as arguments or held as state are checked as the function
    // itself checked them when traced: an out-of-range label is an IndexError on every call, not
    // a NaN loss.
    const inputs = e.checks?.length ? [...args, ...flat] : args;
    for (const c of e.checks ?? []) checkIndexRange(c.op, inputs[c.input], c.bound, c.label);
    const g = e.graph!;
    let outputs: Tensor[];
    let next: Tensor[];
    if (e.compiled) {
      const info = (t: Tensor) => ({ handle: t.ref.handle, shape: t.shape, dtype: t.dtype });
      const writable = g.inPlace && writableState(g, flat, backend);
      const r = e.compiled.run(args.map(info), flat.map(info), writable ? { writable } : undefined);
      checkHandles(r, args, flat, writable);
      outputs = r.outputs.map((h, i) => makeTensor(backend, h, g.outputs[i].shape, valueDType(g, g.outputs[i].value)));
      // A state value written in place comes back as its own handle: it stays the same tensor.
      next = r.state.map((h, i) =>
        writable?.[i] && h === flat[i].ref.handle
          ? flat[i]
          : makeTensor(backend, h, g.stateOut[i].shape, valueDType(g, g.stateOut[i].value)),
      );
    } else {
      ({ outputs, state: next } = replay(g, args, flat, e.held));
    }
    let k = 0;
    state.forEach((s, i) => {
      s.write(next.slice(k, k + stateIn[i].length));
      k += stateIn[i].length;
    });
    return (returnsArray.get(e) ? outputs : outputs[0]) as R;
  };

  const compiled = ((...args: Tensor[]): R => {
    args.forEach((a, i) => {
      if (!(a instanceof Tensor)) throw new ValueError(`compile: argument ${i} must be a Tensor, got ${typeof a}`);
      a.assertLive('compile');
    });
    const shapeKey = args.map((a) => `${a.dtype}[${a.shape}]`).join(';');
    let e = entries.get(shapeKey);
    if (!e) {
      e = { traces: 0, held: [] };
      entries.set(shapeKey, e);
    }
    latest = e;
    if (e.graph) {
      // A graph stands while every tensor it captured lives: a parameter assigned a new value
      // (an optimizer step, loadStateDict) disposes the old one, and the function is traced again.
      const standing = e;
      if (!disposedCapture(e.captured)) return withoutRecording(() => run(standing, args));
      drop(e);
      e = { traces: 0, held: [] };
      entries.set(shapeKey, e);
      latest = e;
    }
    if (e.eager) return owned(args);
    if (e.last && disposedCapture(e.last.captured)) {
      // The last trace no longer computes what the function does: set it aside (it still counts).
      dispose(e.last.held);
      e.last = undefined;
      e.replaced = true;
    }
    const t = trace(fn, args, state);
    returnsArray.set(e, Array.isArray(t.result));
    e.traces++;
    if (t.untraceable) {
      // Nothing a later trace records could stand for it either.
      if (e.last) dispose(e.last.held);
      dispose(t.held);
      e.last = undefined;
      e.eager = t.untraceable;
    } else if (!t.unstable && e.last && e.last.key === t.key) {
      dispose(e.last.held);
      e.last = undefined;
      e.graph = t.graph;
      e.held = t.held;
      e.checks = t.checks;
      e.captured = t.captured;
      const backend = getBackend();
      if (typeof backend.compileGraph === 'function') e.compiled = backend.compileGraph(t.graph);
    } else {
      if (e.last) dispose(e.last.held);
      e.last = t;
      if (e.traces >= maxTraces) {
        e.eager =
          t.unstable ??
          (e.replaced
            ? 'the traced graph changed from call to call (a tensor it captures, such as a weight, was replaced between calls)'
            : 'the traced graph changed from call to call (a host number, a random draw or the structure differs)');
        dispose(t.held);
        e.last = undefined;
      }
    }
    return t.result as R;
  }) as CompiledFunction<R>;

  Object.defineProperties(compiled, {
    mode: { get: () => (latest?.graph ? 'graph' : latest?.eager ? 'eager' : 'tracing') },
    reason: { get: () => latest?.eager },
    graph: { get: () => latest?.graph },
  });
  compiled.invalidate = () => {
    for (const e of entries.values()) drop(e);
    entries.clear();
    latest = undefined;
  };
  compiled.dispose = compiled.invalidate;
  return compiled;
}

/**
 * Which state tensors a call may overwrite: those an in-place update of the graph replaces whose
 * storage no other tensor shares. Views a training step keeps to restore a rejected step
 * (`guardedViews`) do not count when the update is guarded: it then writes nothing.
 */
function writableState(g: Graph, state: readonly Tensor[], backend: object): boolean[] {
  const writable = state.map(() => false);
  for (const u of g.inPlace ?? [])
    for (const i of u.state) {
      const ref = state[i]?.ref;
      writable[i] = ref !== undefined && ref.backend === backend && ref.refs - (u.guard ? ref.guardedViews : 0) === 1;
    }
  return writable;
}

/**
 * A compiled run hands back new handles, except a writable state value's own handle as its new
 * value: any other input handle coming back would be owned twice (freed twice).
 */
function checkHandles(
  r: { outputs: readonly object[]; state: readonly object[] },
  args: readonly Tensor[],
  state: readonly Tensor[],
  writable: readonly boolean[] | undefined,
): void {
  const inputs = new Map<object, number>([...args, ...state].map((t, i) => [t.ref.handle, i]));
  const bad = [...r.outputs.map((h) => [h, -1] as const), ...r.state.map((h, i) => [h, i] as const)].find(
    ([h, i]) => inputs.has(h) && !(i >= 0 && writable?.[i] && inputs.get(h) === args.length + i),
  );
  if (bad)
    throw new BackendError(
      `compile: the backend's compiled run returned an input's handle as ${bad[1] < 0 ? 'an output' : `new state ${bad[1]}`}; only a writable state value may come back as its own new value`,
    );
}
