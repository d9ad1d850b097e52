/**
 * Compiled steps that write their optimizer updates in place (CPU provider). Core's trace marks
 * the fused updates a step asked to write in place (`Graph.inPlace`); when the caller says the
 * state they replace is the call's to overwrite, the run's model leaves those updates out and
 * returns what they read instead (gradients, step counts, the guard, Adam's coefficients), and
 * the host writes them into the state's own arrays with core's fused update rules — the
 * same bits the ONNX nodes compute, without a second copy of the parameters and moments.
 */
import {
  type AdamUpdateAttrs,
  type Graph,
  type GraphInPlaceUpdate,
  type GraphNode,
  KERNELS,
  sizeOf,
  type UpdateKernelName,
  updateWrittenInputs,
  type ValueRef,
} from '@backprop/core';
import { adamCoefficientGroups, type CoefficientAt } from './adam-coefficient-groups.js';
import type { HostUpdate } from './host-update.js';

/** One in-place update of a run: where each of its values comes from. */
export interface PlannedUpdate {
  readonly name: UpdateKernelName;
  readonly attrs: object;
  /**
   * Per kernel input: the state index it is written into; or, for a value the run is fed (a graph
   * input or state value, numbered as in the graph: the learning rate, Adam's step count), its
   * number, read from the fed array itself; `unread` for Adam's step count (the host reads the
   * coefficients the run computed from it, not the count); else the model output that holds it.
   */
  readonly inputs: readonly ({ state: number } | { fed: number } | { output: string } | { unread: true })[];
  /** The state index of each output, in output order. */
  readonly targets: readonly number[];
  /** Where Adam's coefficients [a, e, decay?] are: a model output (by name) and the element of it. */
  readonly coefficients: readonly CoefficientAt<string>[];
  /** The model output holding the guard, when the update has one. */
  readonly guard?: string;
}

/** A model for a run with some updates written in place. */
export interface InPlaceVariant {
  /** The graph to lower: the original outputs, then what the host updates read; the other new state. */
  readonly graph: Graph;
  /** For each state index, the model output of its new value (`n<j>`), or undefined when written in place. */
  readonly stateOutput: readonly (string | undefined)[];
  readonly updates: readonly PlannedUpdate[];
}

/**
 * The updates of `g.inPlace` that can be written on the host: well formed (each output is the
 * new value of the state value it reads as a written input), their outputs read by nothing but
 * their own new-state slot, and reading no state value that another of them writes.
 */
export function inPlaceCandidates(g: Graph): GraphInPlaceUpdate[] {
  const firstState = g.inputs.length;
  const firstNode = firstState + g.state.length + g.constants.length;
  const uses = new Map<number, number>();
  const use = (v: number) => uses.set(v, (uses.get(v) ?? 0) + 1);
  for (const n of g.nodes) for (const r of n.inputs) use(r.value);
  for (const r of [...g.outputs, ...g.stateOut]) use(r.value);
  const seen = new Set<number>();
  const valid = (g.inPlace ?? []).filter((u) => {
    const n = g.nodes[u.node];
    if (!n || KERNELS[n.kernel]?.family !== 'update' || n.output !== 0 || n.dtype !== 'float32') return false;
    const written = updateWrittenInputs(n.kernel as UpdateKernelName, n.inputs.length);
    if (written.length !== u.state.length || new Set(u.state).size !== u.state.length) return false;
    const ok = u.state.every((s, k) => {
      const v = firstNode + u.node + k;
      return (
        Number.isInteger(s) &&
        s >= 0 &&
        s < g.state.length &&
        !seen.has(s) &&
        g.nodes[u.node + k]?.output === k &&
        g.nodes[u.node + k]?.kernel === n.kernel &&
        n.inputs[written[k]].value === firstState + s &&
        g.stateOut[s].value === v &&
        uses.get(v) === 1
      );
    });
    if (ok) for (const s of u.state) seen.add(s);
    return ok;
  });
  // A value read from the state another update writes would be read after that write.
  const writes = new Set(valid.flatMap((u) => u.state.map((s) => firstState + s)));
  return valid.filter((u) => {
    const n = g.nodes[u.node];
    const written = new Set(updateWrittenInputs(n.kernel as UpdateKernelName, n.inputs.length));
    const reads = n.inputs.filter((_, i) => !written.has(i)).map((r) => r.value);
    if (u.guard) reads.push(u.guard.value);
    return reads.every((v) => !writes.has(v));
  });
}

/**
 * The model of a run that writes `updates` on the host: their nodes drop out of the model (no
 * node reads them any more), and the values they read become extra outputs, after `g.outputs`.
 */
export function inPlaceVariant(g: Graph, updates: readonly GraphInPlaceUpdate[]): InPlaceVariant {
  const firstNode = g.inputs.length + g.state.length + g.constants.length;
  const nodes: GraphNode[] = [...g.nodes];
  const outputs: ValueRef[] = [...g.outputs];
  const named = new Map<string, string>();
  /** The model output holding `r` (one per value and shape: the learning rate and guard are read by every update). */
  const extra = (r: ValueRef): string => {
    const key = `${r.value}:${r.shape.join(',')}`;
    let name = named.get(key);
    if (name === undefined) {
      outputs.push(r);
      name = `o${outputs.length - 1}`;
      named.set(key, name);
    }
    return name;
  };
  const written = new Set(updates.flatMap((u) => u.state));
  // (No update reads a state value another writes: `inPlaceCandidates`.)
  const fed = [...g.inputs, ...g.state];
  const coefficientsOf = adamCoefficientGroups(
    updates.map((u) => {
      const n = g.nodes[u.node];
      if (n.kernel !== 'adamUpdate') return undefined;
      const lr = n.inputs[n.inputs.length - 1];
      return { attrs: n.attrs as AdamUpdateAttrs, step: n.inputs[4], lr, lrKey: `${lr.value}:${lr.shape.join(',')}` };
    }),
    (attrs, inputs, shape) => {
      nodes.push({ kernel: 'adamUpdate', attrs, inputs, shape, dtype: 'float32' });
      return extra({ value: firstNode + nodes.length - 1, shape });
    },
  );
  const planned = updates.map((u, j): PlannedUpdate => {
    const n = g.nodes[u.node];
    const name = n.kernel as UpdateKernelName;
    const targetOf = new Map(updateWrittenInputs(name, n.inputs.length).map((i, k) => [i, u.state[k]]));
    const inputs = n.inputs.map((r, i) => {
      const s = targetOf.get(i);
      if (s !== undefined) return { state: s };
      // Adam's step count is read by its coefficients only, which the run computes.
      if (name === 'adamUpdate' && i === 4) return { unread: true as const };
      // A value the run is fed is read where it is: no Identity node copying it into an output.
      return r.value < fed.length && sizeOf(r.shape) === sizeOf(fed[r.value].shape)
        ? { fed: r.value }
        : { output: extra(r) };
    });
    return {
      name,
      attrs: n.attrs,
      inputs,
      targets: u.state,
      coefficients: coefficientsOf[j] ?? [],
      ...(u.guard ? { guard: extra(u.guard) } : {}),
    };
  });
  const stateOut: ValueRef[] = [];
  const stateOutput = g.stateOut.map((r, s) => {
    if (written.has(s)) return undefined;
    stateOut.push(r);
    return `n${stateOut.length - 1}`;
  });
  const { inPlace: _, ...rest } = g;
  return { graph: { ...rest, nodes, outputs, stateOut }, stateOutput, updates: planned };
}

/** What an update is given for an input it does not read (`updateArraysOf` drops Adam's step count). */
const UNREAD = new Int32Array(1);

/**
 * The host updates of a finished run: `value(name)` gives a model output's host array, `fed(v)`
 * the array of graph input or state value `v` as the run was fed it, `state(s)` the array a
 * state value holds now and `targets(states)` the arrays to write (moved or copied first where
 * needed; asked before `state`, which then gives the arrays to be written). An update whose
 * guard holds anything but 0 (NaN too) is left out: it writes nothing.
 */
export function hostUpdates(
  updates: readonly PlannedUpdate[],
  value: (name: string) => Float32Array | Int32Array,
  fed: (v: number) => Float32Array | Int32Array,
  state: (s: number) => Float32Array,
  targets: (states: readonly number[]) => Float32Array[],
): HostUpdate[] {
  const out: HostUpdate[] = [];
  for (const u of updates) {
    if (u.guard !== undefined && value(u.guard)[0] !== 0) continue;
    const written = targets(u.targets);
    out.push({
      name: u.name,
      attrs: u.attrs,
      inputs: u.inputs.map((x) =>
        'state' in x ? state(x.state) : 'fed' in x ? fed(x.fed) : 'output' in x ? value(x.output) : UNREAD,
      ),
      coefficients: u.coefficients.map((c) => value(c.node)[c.index]),
      targets: written,
    });
  }
  return out;
}
