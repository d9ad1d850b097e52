/** Display names and number formatting for the graph page. */
import { type Graph, label } from './graph.js';

/** Names nodes as in the lecture: variables by name, f for the output, q (or q1, q2, …) for intermediates, constants by value. */
export function nodeNames(graph: Graph): string[] {
  const ops = graph.nodes.filter((n) => n.kind === 'op' && n.id !== graph.root);
  return graph.nodes.map((n) => {
    if (n.id === graph.root) return 'f';
    if (n.kind !== 'op') return label(n);
    return ops.length === 1 ? 'q' : `q${ops.indexOf(n) + 1}`;
  });
}

/** Four significant digits, integers as integers, ASCII minus. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}
