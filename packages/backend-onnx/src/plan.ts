/**
 * Planning a run: the pending nodes that live tensors need, the leaves they read, a
 * structural key for the session cache, and the ONNX model that computes them.
 */
import { exactKey, shapesEqual } from '@backprop/core';
import type { OnnxHandle } from './handle.js';
import { lowerNode } from './lower/driver.js';
import { GraphBuilder, type LowerInput, reshapeTo } from './lower/index.js';
import { encodeModel } from './proto/onnx.js';

/** One run: nodes in topological order, the leaves fed as inputs and the nodes fetched as outputs. */
export interface Plan {
  /** Equal for runs that can share a session: the same ops, attributes, shapes, dtypes and wiring. */
  readonly key: string;
  readonly nodes: readonly OnnxHandle[];
  readonly leaves: readonly OnnxHandle[];
  readonly outputs: readonly OnnxHandle[];
}

/** Collects the pending ancestors of `roots` (the live pending handles) and keys them. */
export function plan(roots: Iterable<OnnxHandle>): Plan {
  const seen = new Set<OnnxHandle>();
  const stack = [...roots];
  const outputs = new Set(stack);
  while (stack.length > 0) {
    const h = stack.pop()!;
    if (seen.has(h)) continue;
    seen.add(h);
    if (h.pending) for (const { node } of h.inputs) if (!seen.has(node)) stack.push(node);
  }
  const all = [...seen].sort((a, b) => a.id - b.id);
  const local = new Map<OnnxHandle, number>();
  const leaves: OnnxHandle[] = [];
  const nodes: OnnxHandle[] = [];
  const parts: string[] = [];
  for (const h of all) {
    local.set(h, local.size);
    if (!h.pending) {
      leaves.push(h);
      parts.push(`L${h.dtype}${h.shape.join('x')}`);
      continue;
    }
    nodes.push(h);
    const ins = h.inputs.map(({ node, shape }) => `${local.get(node)}:${shape.join('x')}`).join(',');
    parts.push(`${h.kernel}${exactKey(h.attrs)}${h.dtype}${h.shape.join('x')}(${ins})${outputs.has(h) ? '*' : ''}`);
  }
  return { key: parts.join(';'), nodes, leaves, outputs: nodes.filter((n) => outputs.has(n)) };
}

/** The ONNX model of a plan: inputs `i0…` are the leaves, outputs `o0…` the output nodes, in plan order. */
export function buildModel(p: Plan): Uint8Array {
  const b = new GraphBuilder();
  const names = new Map<OnnxHandle, string>();
  p.leaves.forEach((h, i) => names.set(h, b.input(h.dtype, h.shape, `i${i}`)));
  for (const h of p.nodes) {
    const inputs: LowerInput[] = h.inputs.map(({ node, shape }) => {
      const name = names.get(node)!;
      return { name: shapesEqual(shape, node.shape) ? name : reshapeTo(b, name, shape), shape, dtype: node.dtype };
    });
    // The lazy graph keeps a multi-output kernel's output index in its attributes (attrs.output).
    names.set(h, lowerNode(b, { kernel: h.kernel!, attrs: h.attrs }, inputs, { shape: h.shape, dtype: h.dtype }));
  }
  p.outputs.forEach((h, i) => b.output(names.get(h)!, h.dtype, h.shape, `o${i}`));
  return encodeModel(b.graph());
}
