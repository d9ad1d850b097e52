/** Places a graph's nodes left to right: inputs in the first column, f in the last. */
import { consumers, type Graph } from './graph.js';

/** A node's position in layout units (columns and rows). */
export interface Place {
  col: number;
  row: number;
}

/**
 * Column = longest path from an input; rows follow a depth-first walk from f, so operands sit
 * next to their op. A constant sits just before and above the op that uses it.
 */
export function layout(graph: Graph): { places: Place[]; cols: number; rows: number } {
  const col: number[] = [];
  for (const n of graph.nodes) col[n.id] = n.inputs.length ? 1 + Math.max(...n.inputs.map((i) => col[i])) : 0;
  const firstUser = (id: number) => consumers(graph, id)[0];
  const placedByUser = (id: number) => graph.nodes[id].kind === 'num' && id !== graph.root;
  for (const n of graph.nodes) if (placedByUser(n.id)) col[n.id] = col[firstUser(n.id)] - 1;

  const row: number[] = [];
  let nextLeaf = 0;
  const visit = (id: number): number => {
    if (row[id] !== undefined) return row[id];
    const n = graph.nodes[id];
    const inputRows = n.inputs.map(visit).filter(Number.isFinite);
    // Constants get their row from their op below; other leaves take the next free row.
    row[id] = placedByUser(id)
      ? Number.NaN
      : inputRows.length
        ? inputRows.reduce((a, b) => a + b, 0) / inputRows.length
        : nextLeaf++;
    return row[id];
  };
  visit(graph.root);
  for (const n of graph.nodes) if (placedByUser(n.id)) row[n.id] = row[firstUser(n.id)] - 0.6;
  const top = Math.min(0, ...row);
  const places = graph.nodes.map((n) => ({ col: col[n.id], row: row[n.id] - top }));
  return { places, cols: col[graph.root] + 1, rows: Math.max(1, ...places.map((p) => p.row + 1)) };
}
