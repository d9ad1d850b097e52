/** Eager replay: runs a graph's kernels one by one on the current backend (for backends without `compileGraph`). */
import { runKernel, runKernelMulti } from '../engine.js';
import { type UpdateKernelName, updateWrittenInputs } from '../kernels/spec.js';
import { tidy } from '../memory.js';
import { InPlaceUpdates } from '../ops/in-place-updates.js';
import { reshape } from '../ops/reshape.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Graph, GraphInPlaceUpdate, ValueRef } from './graph.js';

/**
 * Runs `graph` on `inputs`, `state` and its `constants` (as tensors); returns new outputs and state.
 * The updates of `graph.inPlace` are queued to write into their state, as the traced function's
 * eager run does, when the backend has `updateInPlace` and nothing else holds that state (else,
 * and when a later node or an output reads the old values, they run out of place).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { add, mul, replay, setBackend, tensor, trace } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const t = trace((x) => add(mul(x, 2), 1), [tensor([1, 2])], []);
 * const { outputs } = replay(t.graph, [tensor([5, 6])], [], t.held);
 * console.log(await outputs[0].data()); // Float32Array [11, 13]
 * ```
 */
export function replay(
  graph: Graph,
  inputs: readonly Tensor[],
  state: readonly Tensor[],
  constants: readonly Tensor[],
): { outputs: Tensor[]; state: Tensor[] } {
  return tidy(() => {
    const values: Tensor[] = [...inputs, ...state, ...constants];
    const use = ({ value, shape }: ValueRef): Tensor => {
      const t = values[value];
      return shapesEqual(t.shape, shape) ? t : reshape(t, shape);
    };
    const nodes = graph.nodes;
    const inPlace = replayableInPlace(graph);
    // One batch per guard (a training step has one), committed once every node has run.
    const batches = new Map<number, InPlaceUpdates>();
    try {
      for (let j = 0; j < nodes.length; j++) {
        const n = nodes[j];
        if (n.output === undefined) {
          values.push(runKernel(n.kernel, n.inputs.map(use), n.attrs as never, { shape: n.shape, dtype: n.dtype }));
          continue;
        }
        // A multi-output kernel: nodes j… with output 0, 1, … are one dispatch.
        let end = j + 1;
        while (end < nodes.length && (nodes[end].output ?? 0) > 0) end++;
        const ins = n.inputs.map(use);
        const u = inPlace.get(j);
        if (u) {
          const key = u.guard?.value ?? -1;
          let batch = batches.get(key);
          if (!batch) {
            batch = new InPlaceUpdates({ guard: u.guard && use(u.guard) });
            batches.set(key, batch);
          }
          const name = n.kernel as UpdateKernelName;
          const targets = updateWrittenInputs(name, ins.length).map((i) => ins[i]);
          const queued = batch.queue(name, ins, n.attrs, targets);
          if (queued) {
            values.push(...queued);
            j = end - 1;
            continue;
          }
        }
        const outs = nodes.slice(j, end).map((o) => ({ shape: o.shape, dtype: o.dtype }));
        values.push(...runKernelMulti(n.kernel, ins, n.attrs as never, outs));
        j = end - 1;
      }
      for (const batch of batches.values()) batch.commit();
    } finally {
      for (const batch of batches.values()) batch.discard();
    }
    // An output that is an input or a state value is returned as a new view, so the caller owns every result.
    const own = (r: ValueRef) => reshape(use(r), r.shape);
    return { outputs: graph.outputs.map(own), state: graph.stateOut.map(own) };
  });
}

/**
 * The in-place updates of `g` by node index that a replay can queue: those whose old state values
 * nothing reads after them (no later node, no output, no other new-state slot).
 */
function replayableInPlace(g: Graph): Map<number, GraphInPlaceUpdate> {
  const out = new Map<number, GraphInPlaceUpdate>();
  if (!g.inPlace) return out;
  const firstState = g.inputs.length;
  const lastRead = new Map<number, number>();
  g.nodes.forEach((n, j) => {
    for (const r of n.inputs) lastRead.set(r.value, j);
  });
  const returned = new Set([...g.outputs, ...g.stateOut].map((r) => r.value));
  for (const u of g.inPlace) {
    const outputs = u.state.length;
    const ok = u.state.every(
      (s) => !returned.has(firstState + s) && (lastRead.get(firstState + s) ?? -1) < u.node + outputs,
    );
    if (ok) out.set(u.node, u);
  }
  return out;
}
