/**
 * Tracing: runs a function once, eagerly, while observing every kernel dispatch, and records
 * it as a {@link Graph}. Tensors the function uses but did not compute become constants:
 * those written from host numbers during the call (scalars such as a learning rate) are
 * recorded with their values, so two traces agree only if those numbers did not change; the
 * others (captured tensors: a module's weights) are recorded by identity, and listed in
 * `captured` so that `compile` can tell when one is replaced. A trace also notes what a graph
 * cannot repeat (`untraceable`): a read of tensor values, an index check of indices the function
 * computes, a view made during the call of a tensor from outside it.
 */

import { isRecording } from '../autograd/tape.js';
import type { Backend } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { endScope, getBackend, keep, observeKernels, startScope } from '../engine.js';
import { formatShape, ValueError } from '../errors.js';
import { exactKey, exactNumber } from '../exact-key.js';
import { KERNELS, updateWrittenInputs } from '../kernels/spec.js';
import { observeIndexChecks } from '../losses/check.js';
import { observeInPlaceRequests } from '../ops/in-place-updates.js';
import { stopGradient } from '../ops/reshape.js';
import { type DataRef, Tensor } from '../tensor.js';
import type { Graph, GraphInPlaceUpdate, GraphNode, ValueRef, ValueType } from './graph.js';
import type { CompiledState } from './state.js';

/** What a compiled function may return. */
export type CompiledResult = Tensor | Tensor[];

/** One trace: the graph, its key, the function's real results, and the constants it holds. */
export interface Trace {
  readonly graph: Graph;
  /** Equal for traces with the same structure, shapes, host constants and captured tensors. */
  readonly key: string;
  readonly result: CompiledResult;
  /** Views that keep the captured constants alive; dispose them with the trace. */
  readonly held: Tensor[];
  /** Why this trace cannot be replayed, if it cannot (another trace may be replayable). */
  readonly unstable?: string;
  /**
   * Why no trace of the function can stand for it, if none can: it did something while traced
   * that a graph does not repeat (read tensor values, checked indices it computed, made a view of
   * a tensor from outside it). `compile` then runs the function eagerly.
   */
  readonly untraceable?: string;
  /**
   * The first read of tensor values the function made while traced, if any (also an
   * `untraceable` reason): a graph would freeze whatever the function decided from the values, so
   * an exported model of it would compute something else.
   */
  readonly reads?: string;
  /**
   * The index checks the function made on its own arguments and state, to repeat when the graph
   * runs instead (checks of captured tensors need no repeat: their values do not change).
   */
  readonly checks: readonly ArgumentIndexCheck[];
  /**
   * The tensors from outside the function that the graph holds as constants (a module's weights,
   * a tensor in a closure), as the function used them. Once one is disposed (a parameter assigned
   * a new value disposes the old one), the graph no longer computes what the function would.
   */
  readonly captured: readonly Tensor[];
}

/**
 * An index check (`checkIndexRange`) of input `input` of a traced function: its arguments, then
 * its state tensors in order.
 */
export interface ArgumentIndexCheck {
  readonly input: number;
  readonly op: string;
  readonly bound: number;
  readonly label: boolean;
}

const externalIds = new WeakMap<DataRef, number>();
let nextExternal = 0;

const typeOf = (t: Tensor): ValueType => ({ shape: t.shape, dtype: t.dtype });

/**
 * Runs `fn(...args)` with `state` and records its graph. The tensors `fn` makes and neither
 * returns, keeps (`keep`) nor leaves as state are freed as `tidy` frees them; the trace's `held`
 * views are the caller's to dispose. When `fn` throws, nothing of the trace stays.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { add, mul, setBackend, tensor, trace } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const t = trace((x) => add(mul(x, 2), 1), [tensor([1, 2])], []);
 * console.log(t.graph.nodes.map((n) => n.kernel)); // ['mul', 'add']
 * ```
 */
export function trace(
  fn: (...args: Tensor[]) => CompiledResult,
  args: readonly Tensor[],
  state: readonly CompiledState[],
): Trace {
  const backend = getBackend();
  const ids = new Map<DataRef, number>();
  const stateIn = state.flatMap((s) => s.read());
  /** The first reason found why no graph can stand for the function. */
  let untraceable: string | undefined;
  for (const t of [...args, ...stateIn]) {
    // A graph tells its inputs apart by storage: two views of one tensor (two parameters built on
    // one value, `f(x, x.reshape(…))`) run eagerly, as they compute.
    if (ids.has(t.ref))
      untraceable ??=
        'two of its arguments or state tensors share one storage (views of one tensor, or one tensor passed twice), and a graph tells its inputs apart by storage; pass copies to compile it';
    else ids.set(t.ref, ids.size);
  }
  const held: Tensor[] = [];
  const captured: Tensor[] = [];
  const constKeys: string[] = [];
  const pendingConsts: Tensor[] = [];
  const nodes: GraphNode[] = [];
  const written = new Map<object, { values: TypedArray; dtype: DType }>();
  /** Every handle written from host values during the call (storage made by the call). */
  const writtenHere = new Set<object>();
  /** The first read of tensor values during the call. */
  let reads: string | undefined;
  /** Every tensor made during the call (kernel outputs, writes, views): see `startScope` below. */
  let made: ReadonlySet<Tensor> = new Set();

  const refOf = (t: Tensor): ValueRef => {
    let v = ids.get(t.ref);
    if (v === undefined) {
      v = ids.size;
      ids.set(t.ref, v);
      const view = keep(stopGradient(t));
      held.push(view);
      pendingConsts.push(view);
      const host = written.get(t.ref.handle);
      if (host) constKeys.push(`h${host.dtype}[${t.shape}]=${Array.from(host.values, exactNumber).join(',')}`);
      else {
        if (!externalIds.has(t.ref)) externalIds.set(t.ref, nextExternal++);
        constKeys.push(`x${externalIds.get(t.ref)}`);
        // A tensor from outside the function: the graph is right while that tensor lives. A view
        // of one made during the call hides which tensor it views, so the graph could not tell.
        if (!made.has(t)) captured.push(t);
        else if (!writtenHere.has(t.ref.handle))
          untraceable ??= `it uses ${typeName(t.dtype, t.shape)} view, made during the call (reshape, flatten, stopGradient…), of a tensor from outside the function, and a graph could not tell when that tensor is replaced; make the view outside the function, or pass the tensor as an argument`;
      }
    }
    return { value: v, shape: t.shape };
  };

  // NOTE: values are numbered as they are met; nodes are renumbered after the call so that
  // constants come before every node, as Graph requires.
  const outputIds: number[] = [];
  const nodeIds = new Set<number>();
  /** For int32 node values known to lie in [0, n]: n (argmax/argmin along an axis, a cast of bools). */
  const largest = new Map<number, number>();
  // An index check reads its indices (when they are on the host) right after announcing itself:
  // that read is the check's, not the function's.
  let checkRead: object | undefined;
  const restoreBackend = patchBackend(backend, {
    write: (write) => (values, shape, dtype) => {
      const h = write.call(backend, values, shape, dtype);
      writtenHere.add(h);
      if (values.length <= 16) written.set(h, { values: values.slice(), dtype });
      return h;
    },
    readSync: (readSync) => (handle, shape, dtype) => {
      if (handle !== checkRead) reads ??= readReason('dataSync()', shape, dtype);
      untraceable ??= reads;
      checkRead = undefined;
      return readSync.call(backend, handle, shape, dtype);
    },
    read: (read) => (handle, shape, dtype) => {
      reads ??= readReason('data(), item() or array()', shape, dtype);
      untraceable ??= reads;
      checkRead = undefined;
      return read.call(backend, handle, shape, dtype);
    },
  });
  // Updates asked to write in place (they run out of place while traced): value ids of their
  // results and of the tensors they replace, and their guard.
  const requests: { results: (number | undefined)[]; targets: (number | undefined)[]; guard?: ValueRef }[] = [];
  const stopRequests = observeInPlaceRequests(({ targets, results, guard }) => {
    requests.push({
      results: results.map((t) => ids.get(t.ref)),
      targets: targets.map((t) => ids.get(t.ref)),
      guard: guard && refOf(guard),
    });
  });
  const checks: ArgumentIndexCheck[] = [];
  const inputCount = args.length + stateIn.length;
  const stopChecks = observeIndexChecks(({ op, indices, bound, label }) => {
    checkRead = indices.size > 0 ? indices.ref.handle : undefined;
    const v = ids.get(indices.ref);
    // Not yet seen (a captured tensor, or one written from host numbers) or a constant: values
    // fixed while the graph stands, checked now. An argument or state: checked on every call.
    if (v === undefined || (v >= inputCount && !nodeIds.has(v))) return;
    if (v < inputCount) checks.push({ input: v, op, bound, label });
    else if (!((largest.get(v) ?? Number.POSITIVE_INFINITY) < bound))
      untraceable ??= `${op} checks indices the function computes (${indices.dtype}${formatShape(indices.shape)}), and a graph does not repeat that check: out-of-range indices would give wrong values or a NaN loss instead of an IndexError; pass the indices (class labels: int32) as an argument instead`;
  });
  const stop = observeKernels((kernel, inputs, attrs, output, allOutputs) => {
    checkRead = undefined;
    const refs = inputs.map(refOf);
    const copy = structuredClone(attrs);
    (allOutputs ?? [output]).forEach((o, k) => {
      const id = ids.size;
      ids.set(o.ref, id);
      outputIds.push(id);
      nodeIds.add(id);
      const which = allOutputs ? { output: k } : {};
      nodes.push({ kernel, attrs: copy, inputs: refs, shape: o.shape, dtype: o.dtype, ...which });
    });
    const n = indexRange(kernel, inputs, attrs);
    if (n !== undefined) largest.set(ids.get(output.ref)!, n);
  });
  let result: CompiledResult | undefined;
  // The tensors made during the call join this scope. At its end those the call leaves behind
  // (neither returned, kept, nor state) are freed, as `tidy` frees them and as a run of the graph
  // makes none; inside a gradient computation they move on to the enclosing scope instead.
  made = startScope();
  let threw = true;
  try {
    result = fn(...args);
    threw = false;
  } finally {
    stop();
    stopChecks();
    stopRequests();
    restoreBackend();
    // The views of the constants are the trace's own: nothing else would ever free them.
    if (threw) abandon(held);
  }
  const results = Array.isArray(result) ? result : [result];
  if (!results.every((r) => r instanceof Tensor)) {
    abandon(held);
    throw new ValueError('compile: the function must return a Tensor or an array of Tensors');
  }
  const stateAfter = state.flatMap((s) => s.read());
  endScope(new Set([...results, ...stateAfter]), isRecording());
  const outRefs = results.map(refOf);
  const stateRefs = stateAfter.map(refOf);

  // Renumber: inputs, state, constants keep their first-seen order; nodes go last.
  const order = [...ids.values()].sort((a, b) => a - b);
  const isNode = new Set(outputIds);
  const remap = new Map<number, number>();
  for (const v of order) if (!isNode.has(v)) remap.set(v, remap.size);
  for (const v of outputIds) remap.set(v, remap.size);
  const re = (r: ValueRef): ValueRef => ({ value: remap.get(r.value)!, shape: r.shape });
  const graph: Graph = {
    inputs: args.map(typeOf),
    state: stateIn.map(typeOf),
    constants: pendingConsts.map((t) => ({ handle: t.ref.handle, shape: t.shape, dtype: t.dtype })),
    nodes: nodes.map((n) => ({ ...n, inputs: n.inputs.map(re) })),
    outputs: outRefs.map(re),
    stateOut: stateRefs.map(re),
  };
  const inPlace = inPlaceUpdates(graph, requests, remap);
  if (inPlace.length > 0) (graph as { inPlace?: GraphInPlaceUpdate[] }).inPlace = inPlace;
  const unstable =
    stateAfter.length !== stateIn.length
      ? `state changed size (${stateIn.length} → ${stateAfter.length} tensors)`
      : undefined;
  const key = exactKey([
    graph.inputs,
    graph.state,
    constKeys,
    graph.nodes.map((n) => [n.kernel, n.attrs, n.inputs, n.shape, n.dtype, n.output]),
    graph.outputs,
    graph.stateOut,
    graph.inPlace,
  ]);
  return {
    graph,
    key,
    result,
    held,
    unstable,
    checks,
    captured,
    ...(untraceable ? { untraceable } : {}),
    ...(reads ? { reads } : {}),
  };
}

/** Closes the call's scope and frees the constants' views of a trace that gives no graph. */
function abandon(held: readonly Tensor[]): void {
  endScope(new Set(), isRecording());
  for (const t of held) t.dispose();
}

/** Why a read of tensor values while traced keeps the function eager. */
function readReason(how: string, shape: readonly number[], dtype: DType): string {
  return `it reads tensor values while traced (${how} of ${typeName(dtype, shape)} tensor): a graph would repeat the branch, index or number read on the traced call instead of reading again`;
}

/** 'a float32[2]', 'an int32[3]'. */
const typeName = (dtype: DType, shape: readonly number[]): string =>
  `${dtype.startsWith('i') ? 'an' : 'a'} ${dtype}${formatShape(shape)}`;

/**
 * n when the int32 output of `kernel` on `inputs` lies in [0, n] whatever the values: argmax and
 * argmin along an axis of n + 1 elements, a cast of bools (n = 1). Undefined otherwise.
 */
function indexRange(kernel: string, inputs: readonly Tensor[], attrs: object): number | undefined {
  const x = inputs[0];
  if ((kernel === 'argmax' || kernel === 'argmin') && x) {
    const axis = (attrs as { axis?: unknown }).axis;
    return typeof axis === 'number' && axis >= 0 && axis < x.rank ? x.shape[axis] - 1 : undefined;
  }
  if (kernel === 'cast' && x?.dtype === 'bool') return 1;
  return undefined;
}

type Patchable = 'write' | 'read' | 'readSync';

/**
 * Replaces the backend's `write`, `read` and `readSync` (where it has them) by wrappers of the
 * originals; returns a function that puts the originals back as they were (own or inherited).
 */
function patchBackend(
  backend: Backend,
  wrappers: { [K in Patchable]: (original: NonNullable<Backend[K]>) => NonNullable<Backend[K]> },
): () => void {
  const target = backend as unknown as Record<Patchable, unknown>;
  const restores: (() => void)[] = [];
  for (const name of ['write', 'read', 'readSync'] as const) {
    const original = backend[name];
    if (typeof original !== 'function') continue;
    const own = Object.getOwnPropertyDescriptor(backend, name);
    target[name] = (wrappers[name] as (o: unknown) => unknown)(original);
    restores.push(() => {
      if (own) Object.defineProperty(backend, name, own);
      else delete target[name];
    });
  }
  return () => {
    for (const r of restores) r();
  };
}

/**
 * The requests that a backend can honour: an update whose outputs are, in order, the new values
 * of the state values it reads as written inputs, each state value replaced by one update only.
 * Others (an update of a tensor that is not state) stay out of place.
 */
function inPlaceUpdates(
  g: Graph,
  requests: readonly { results: (number | undefined)[]; targets: (number | undefined)[]; guard?: ValueRef }[],
  remap: ReadonlyMap<number, number>,
): GraphInPlaceUpdate[] {
  const firstState = g.inputs.length;
  const firstNode = firstState + g.state.length + g.constants.length;
  const taken = new Set<number>();
  const out: GraphInPlaceUpdate[] = [];
  for (const r of requests) {
    const values = r.results.map((v) => (v === undefined ? undefined : remap.get(v)));
    const node = (values[0] ?? -1) - firstNode;
    const n = g.nodes[node];
    if (n?.output !== 0 || KERNELS[n.kernel]?.family !== 'update') continue;
    const written = updateWrittenInputs(n.kernel as never, n.inputs.length);
    if (written.length !== values.length) continue;
    const state = r.targets.map((v) => (v === undefined ? -1 : (remap.get(v) ?? -1) - firstState));
    const ok = values.every(
      (v, k) =>
        v === firstNode + node + k &&
        g.nodes[node + k]?.output === k &&
        state[k] >= 0 &&
        state[k] < g.state.length &&
        !taken.has(state[k]) &&
        n.inputs[written[k]].value === firstState + state[k] &&
        // A step whose state shrank (a slot that lost a tensor) has fewer outputs than inputs.
        g.stateOut[state[k]]?.value === v,
    );
    if (!ok || new Set(state).size !== state.length) continue;
    for (const s of state) taken.add(s);
    const guard = r.guard && { value: remap.get(r.guard.value)!, shape: r.guard.shape };
    out.push({ node, state, ...(guard ? { guard } : {}) });
  }
  return out;
}
