/**
 * The backward pass one node at a time: step 1 seeds ∂f/∂f = 1; each later step takes the next
 * node in reverse topological order and passes its gradient to its inputs (local × upstream).
 * An input's ∂f/∂input is shown once every node that uses it has passed its share back.
 */

import type { Revealed } from './draw.js';
import type { GraphNumbers } from './gradients.js';
import { consumers, type Graph, useCount } from './graph.js';
import { fmt } from './names.js';

/** The nodes the backward pass visits, f first (those with inputs). */
export function backwardOrder(graph: Graph): number[] {
  return graph.nodes
    .filter((n) => n.inputs.length > 0)
    .map((n) => n.id)
    .reverse();
}

/** The number of steps: the seed plus one per visited node. */
export const stepCount = (graph: Graph): number => 1 + backwardOrder(graph).length;

/** What is revealed after `step` steps (0: the forward pass only). */
export function revealedAfter(graph: Graph, step: number): Revealed {
  const shown: Revealed = { grads: new Set(), edges: new Set() };
  if (step < 1) return shown;
  shown.grads.add(graph.root);
  const done = new Set(backwardOrder(graph).slice(0, step - 1));
  for (const id of done) graph.nodes[id].inputs.forEach((_, slot) => shown.edges.add(`${id}:${slot}`));
  for (const n of graph.nodes)
    if (n.id !== graph.root && consumers(graph, n.id).every((c) => done.has(c))) shown.grads.add(n.id);
  shown.current = step === 1 ? graph.root : backwardOrder(graph)[step - 2];
  return shown;
}

/** Lines explaining step `step`: the upstream gradient and, per input, local × upstream. */
export function explainStep(graph: Graph, nums: GraphNumbers, names: string[], step: number): string[] {
  if (step < 1) return ['Forward pass done: every node shows its value. Press Step to start the backward pass.'];
  if (step === 1) return ['Seed: ∂f/∂f = 1.'];
  const id = backwardOrder(graph)[step - 2];
  const n = names[id];
  const lines = [`At ${n}: the upstream gradient is ∂f/∂${n} = ${fmt(nums.grads[id])}.`];
  for (const e of nums.edges.filter((e) => e.node === id)) {
    const x = names[e.input];
    // Several edges from one input (x·x uses x twice) each add their share.
    const into = useCount(graph, e.input) > 1 ? '+=' : '=';
    lines.push(`∂f/∂${x} ${into} ∂${n}/∂${x} × ∂f/∂${n} = ${fmt(e.local)} × ${fmt(e.upstream)} = ${fmt(e.product)}`);
  }
  if (step === stepCount(graph)) lines.push('Backward pass complete.');
  return lines;
}
