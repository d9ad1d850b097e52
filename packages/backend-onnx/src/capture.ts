/**
 * A forward-pass capture for export: observes the kernels of one call as a Graph whose
 * captured tensors (the weights) are constants. (Core's `trace` does the same for `compile`;
 * this copy exists because core's index does not export `trace` yet.)
 */
import { type DataRef, keep, observeKernels, stopGradient, type Tensor, tidy, ValueError } from '@backprop/core';
import type { Graph, GraphNode, ValueRef } from './graph-types.js';

/** Runs `fn(x)` and records it as a graph with one input, no state, and the captured tensors as constants. */
export function captureForward(fn: (x: Tensor) => Tensor, x: Tensor): { graph: Graph; constants: Tensor[] } {
  const ids = new Map<DataRef, number>([[x.ref, 0]]);
  const constants: Tensor[] = [];
  const nodes: GraphNode[] = [];
  const nodeIds: number[] = [];
  const refOf = (t: Tensor): ValueRef => {
    let v = ids.get(t.ref);
    if (v === undefined) {
      v = ids.size;
      ids.set(t.ref, v);
      constants.push(keep(stopGradient(t)));
    }
    return { value: v, shape: t.shape };
  };
  const stop = observeKernels((kernel, inputs, attrs, output) => {
    const refs = inputs.map(refOf);
    nodeIds.push(ids.size);
    ids.set(output.ref, ids.size);
    nodes.push({ kernel, attrs: structuredClone(attrs), inputs: refs, shape: output.shape, dtype: output.dtype });
  });
  let out: ValueRef;
  try {
    out = tidy(() => {
      const y = fn(x);
      if (!y || typeof y !== 'object' || !('ref' in y))
        throw new ValueError('exportOnnx: forward must return a Tensor');
      const r = refOf(y);
      return r;
    });
  } finally {
    stop();
  }
  const isNode = new Set(nodeIds);
  const remap = new Map<number, number>();
  for (let v = 0; v < ids.size; v++) if (!isNode.has(v)) remap.set(v, remap.size);
  for (const v of nodeIds) remap.set(v, remap.size);
  const re = (r: ValueRef): ValueRef => ({ value: remap.get(r.value)!, shape: r.shape });
  const graph: Graph = {
    inputs: [{ shape: x.shape, dtype: x.dtype }],
    state: [],
    constants: constants.map((t) => ({ handle: t.ref.handle, shape: t.shape, dtype: t.dtype })),
    nodes: nodes.map((n) => ({ ...n, inputs: n.inputs.map(re) })),
    outputs: [re(out)],
    stateOut: [],
  };
  return { graph, constants };
}
