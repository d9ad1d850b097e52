/**
 * Tracing: runs a function once, eagerly, while observing every kernel dispatch, and records
 * it as a {@link Graph}. Tensors the function uses but did not compute become constants:
 * those written from host numbers during the call (scalars such as a learning rate) are
 * recorded with their values, so two traces agree only if those numbers did not change.
 */
import type { DType, TypedArray } from '../dtype.js';
import { getBackend, keep, observeKernels } from '../engine.js';
import { ValueError } from '../errors.js';
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
  /** Why this trace cannot be replayed, if it cannot. */
  readonly unstable?: string;
  /** The index checks the function made on its own arguments, to repeat when the graph runs instead. */
  readonly checks: readonly ArgumentIndexCheck[];
}

/** An index check (`checkIndexRange`) of argument `input` of a traced function. */
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
 * Runs `fn(...args)` with `state` and records its graph.
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
  for (const t of [...args, ...stateIn]) {
    if (ids.has(t.ref))
      throw new ValueError('compile: an argument or state tensor appears twice; pass each tensor once');
    ids.set(t.ref, ids.size);
  }
  const held: Tensor[] = [];
  const constKeys: string[] = [];
  const pendingConsts: Tensor[] = [];
  const nodes: GraphNode[] = [];
  const written = new Map<object, { values: TypedArray; dtype: DType }>();

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
      }
    }
    return { value: v, shape: t.shape };
  };

  // NOTE: values are numbered as they are met; nodes are renumbered after the call so that
  // constants come before every node, as Graph requires.
  const outputIds: number[] = [];
  const write = backend.write;
  backend.write = (values, shape, dtype) => {
    const h = write.call(backend, values, shape, dtype);
    if (values.length <= 16) written.set(h, { values: values.slice(), dtype });
    return h;
  };
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
  const stopChecks = observeIndexChecks(({ op, indices, bound, label }) => {
    const v = ids.get(indices.ref);
    if (v !== undefined && v < args.length) checks.push({ input: v, op, bound, label });
  });
  const stop = observeKernels((kernel, inputs, attrs, output, allOutputs) => {
    const refs = inputs.map(refOf);
    const copy = structuredClone(attrs);
    (allOutputs ?? [output]).forEach((o, k) => {
      const id = ids.size;
      ids.set(o.ref, id);
      outputIds.push(id);
      const which = allOutputs ? { output: k } : {};
      nodes.push({ kernel, attrs: copy, inputs: refs, shape: o.shape, dtype: o.dtype, ...which });
    });
  });
  let result: CompiledResult;
  try {
    result = fn(...args);
  } finally {
    stop();
    stopChecks();
    stopRequests();
    backend.write = write;
  }
  const results = Array.isArray(result) ? result : [result];
  if (!results.every((r) => r instanceof Tensor))
    throw new ValueError('compile: the function must return a Tensor or an array of Tensors');
  const stateAfter = state.flatMap((s) => s.read());
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
  return { graph, key, result, held, unstable, checks };
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
        g.stateOut[state[k]].value === v,
    );
    if (!ok || new Set(state).size !== state.length) continue;
    for (const s of state) taken.add(s);
    const guard = r.guard && { value: remap.get(r.guard.value)!, shape: r.guard.shape };
    out.push({ node, state, ...(guard ? { guard } : {}) });
  }
  return out;
}
