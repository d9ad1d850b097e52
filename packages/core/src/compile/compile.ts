/**
 * `compile(fn)`: captures a function of tensors — typically a whole training step — as a
 * graph, and runs later calls as that graph: as one unit on backends with `compileGraph`
 * (ONNX Runtime: one run per call, state kept by the runtime), replayed kernel by kernel on
 * the others. Results are the same either way.
 */

import { withoutRecording } from '../autograd/tape.js';
import { getBackend, makeTensor } from '../engine.js';
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
  /** 'tracing' until two consecutive calls trace the same graph, then 'graph'; 'eager' if they never did. */
  readonly mode: CompiledMode;
  /** Why the function runs eagerly, when it does. */
  readonly reason: string | undefined;
  /** The graph replayed for the latest input shapes, once there is one. */
  readonly graph: Graph | undefined;
  /** Forgets the graphs (call it after changing a host number the function reads, such as a learning rate). */
  invalidate(): void;
}

interface Entry {
  traces: number;
  last?: Trace;
  graph?: Graph;
  /** The graph's trace's index checks of its arguments, repeated before every run. */
  checks?: Trace['checks'];
  compiled?: CompiledGraph;
  held: Tensor[];
  eager?: string;
}

/**
 * Compiles `fn`. The first calls run `fn` eagerly while tracing it; once two consecutive
 * traces agree (same kernels, shapes, host numbers and captured tensors), later calls with
 * inputs of the same shapes run the graph without calling `fn`. NOTE: like `tf.function` and
 * `jax.jit`, a graph freezes host numbers; a function whose host numbers change every call
 * (a step counter kept in JavaScript, random draws from the global generator) never agrees
 * with itself and keeps running eagerly, which is always correct. Outputs are not recorded
 * for autograd. The index checks `fn` made on its own arguments when traced (class labels of a
 * loss, indices of `gather` or `oneHot`) run again before every run of the graph, so an
 * out-of-range label is the same IndexError as in the eager call, not a NaN loss.
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

  const drop = (e: Entry) => {
    dispose(e.held);
    if (e.last) dispose(e.last.held);
    e.compiled?.dispose?.();
  };

  const run = (e: Entry, args: Tensor[]): R => {
    // Class labels and indices given as arguments are checked as the function itself checked
    // them when traced: an out-of-range label is an IndexError on every call, not a NaN loss.
    for (const c of e.checks ?? []) checkIndexRange(c.op, args[c.input], c.bound, c.label);
    const backend = getBackend();
    const stateIn = state.map((s) => s.read());
    const flat = stateIn.flat();
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
    if (e.graph) return withoutRecording(() => run(e, args));
    if (e.eager) return fn(...args);
    const t = trace(fn, args, state);
    returnsArray.set(e, Array.isArray(t.result));
    e.traces++;
    if (!t.unstable && e.last && e.last.key === t.key) {
      dispose(e.last.held);
      e.last = undefined;
      e.graph = t.graph;
      e.held = t.held;
      e.checks = t.checks;
      const backend = getBackend();
      if (typeof backend.compileGraph === 'function') e.compiled = backend.compileGraph(t.graph);
    } else {
      if (e.last) dispose(e.last.held);
      e.last = t;
      if (e.traces >= maxTraces) {
        e.eager =
          t.unstable ??
          'the traced graph changed from call to call (a host number, a random draw or the structure differs)';
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
