/** The computational graph of a parsed expression: one node per operation, one per named variable. */
import type { Expr, Op } from './parse.js';

/** A node of the graph; `inputs` are node ids, always earlier in the node list. */
export interface GraphNode {
  id: number;
  kind: 'var' | 'num' | 'op';
  /** The operator (kind 'op'). */
  op?: Op;
  /** The variable's name (kind 'var'). */
  name?: string;
  /** The constant (kind 'num'). */
  constant?: number;
  inputs: number[];
}

/** Nodes in topological order (every node after its inputs); the last is the output f. */
export interface Graph {
  nodes: GraphNode[];
  root: number;
}

/** Builds the graph of `expr`; a variable used twice is one node with two outgoing edges. */
export function buildGraph(expr: Expr): Graph {
  const nodes: GraphNode[] = [];
  const vars = new Map<string, number>();
  const add = (n: Omit<GraphNode, 'id'>) => nodes.push({ id: nodes.length, ...n }) - 1;
  const visit = (e: Expr): number => {
    if (e.kind === 'num') return add({ kind: 'num', constant: e.value, inputs: [] });
    if (e.kind === 'var') {
      const known = vars.get(e.name);
      if (known !== undefined) return known;
      const id = add({ kind: 'var', name: e.name, inputs: [] });
      vars.set(e.name, id);
      return id;
    }
    const inputs = e.args.map(visit);
    return add({ kind: 'op', op: e.op, inputs });
  };
  const root = visit(expr);
  return { nodes, root };
}

/** The ids of the nodes that take `id` as an input. */
export function consumers(graph: Graph, id: number): number[] {
  return graph.nodes.filter((n) => n.inputs.includes(id)).map((n) => n.id);
}

/** How many edges leave node `id`: a node using it twice (x·x) counts twice. */
export function useCount(graph: Graph, id: number): number {
  return graph.nodes.reduce((k, n) => k + n.inputs.filter((i) => i === id).length, 0);
}

/** A short label for a node: its variable name, constant or operator symbol. */
export function label(n: GraphNode): string {
  if (n.kind === 'var') return n.name ?? '?';
  if (n.kind === 'num') return String(n.constant);
  const symbols: Partial<Record<Op, string>> = { '-': '−', '*': '×', '/': '÷', neg: '−x' };
  return symbols[n.op as Op] ?? (n.op as string);
}
