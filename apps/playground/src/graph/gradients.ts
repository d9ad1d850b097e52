/**
 * Forward values and gradients of a graph, all computed by @backprop/core: each node's value with
 * core's ops, ∂f/∂node with core's `grad` of f rebuilt as a function of that node, and each edge's
 * local gradient ∂node/∂input with `grad` of the node's op as a function of that input.
 * (Core's tape is internal, so the graph is evaluated with a node replaced by an argument.)
 */
import {
  add,
  div,
  exp,
  grad,
  mul,
  neg,
  relu,
  scalar,
  sigmoid,
  square,
  sub,
  type Tensor,
  tanh,
  tidy,
  valueAndGrad,
} from '@backprop/core';
import type { Graph } from './graph.js';
import type { Op } from './parse.js';

/** Applies one operator with core's ops. */
export function applyOp(op: Op, args: Tensor[]): Tensor {
  const [a, b] = args;
  switch (op) {
    case '+':
      return add(a, b);
    case '-':
      return sub(a, b);
    case '*':
      return mul(a, b);
    case '/':
      return div(a, b);
    case 'neg':
      return neg(a);
    case 'exp':
      return exp(a);
    case 'sigmoid':
      return sigmoid(a);
    case 'tanh':
      return tanh(a);
    case 'relu':
      return relu(a);
    case 'square':
      return square(a);
  }
}

/** Evaluates node `id` with core's ops; `given` supplies tensors for some nodes (variables, or one replaced node). */
function evaluate(graph: Graph, id: number, given: Map<number, Tensor>): Tensor {
  const memo = new Map(given);
  const visit = (i: number): Tensor => {
    const known = memo.get(i);
    if (known) return known;
    const n = graph.nodes[i];
    const t =
      n.kind === 'num'
        ? scalar(n.constant as number)
        : n.kind === 'var'
          ? (() => {
              throw new Error(`no value for ${n.name}`);
            })()
          : applyOp(n.op as Op, n.inputs.map(visit));
    memo.set(i, t);
    return t;
  };
  return visit(id);
}

/** One edge input → node of the backward pass. */
export interface EdgeGradient {
  /** The consuming node and the input's position among its inputs. */
  node: number;
  slot: number;
  input: number;
  /** ∂node/∂input at the forward values. */
  local: number;
  /** ∂f/∂node, the upstream gradient. */
  upstream: number;
  /** local × upstream: this edge's share of ∂f/∂input. */
  product: number;
}

/** Everything the page shows, by node id. */
export interface GraphNumbers {
  /** Forward value of every node. */
  values: number[];
  /** ∂f/∂node for every node. */
  grads: number[];
  /** Every edge of every op node, in the order the backward pass visits them. */
  edges: EdgeGradient[];
}

const read = (t: Tensor): number => t.dataSync()[0];

/** Computes the forward values and gradients of `graph` at the variables' `values`, with core. */
export function computeGraph(graph: Graph, values: Map<string, number>): GraphNumbers {
  const varIds = graph.nodes.filter((n) => n.kind === 'var').map((n) => n.id);
  for (const id of varIds) {
    const name = graph.nodes[id].name as string;
    if (!values.has(name)) throw new Error(`no value given for ${name}`);
  }
  return tidy(() => {
    const varTensors = new Map(varIds.map((id) => [id, scalar(values.get(graph.nodes[id].name as string) as number)]));
    const nodeValues = graph.nodes.map((n) => read(evaluate(graph, n.id, varTensors)));
    const grads = graph.nodes.map(() => Number.NaN);

    // ∂f/∂variables: one valueAndGrad over all of them.
    const f = (...vs: Tensor[]) => evaluate(graph, graph.root, new Map(varIds.map((id, k) => [id, vs[k]])));
    const vg = valueAndGrad(f)(...varTensors.values());
    varIds.forEach((id, k) => {
      grads[id] = read(vg.grads[k]);
    });

    // ∂f/∂(operation or constant): f rebuilt with that node replaced by the argument t.
    for (const n of graph.nodes) {
      if (n.kind === 'var') continue;
      const [g] = grad((t) => evaluate(graph, graph.root, new Map([...varTensors, [n.id, t]])))(
        scalar(nodeValues[n.id]),
      );
      grads[n.id] = read(g);
    }

    // Local gradients ∂node/∂input, one per edge, from the root backwards.
    const edges: EdgeGradient[] = [];
    for (let id = graph.nodes.length - 1; id >= 0; id--) {
      const n = graph.nodes[id];
      if (n.kind !== 'op') continue;
      const args = n.inputs.map((i) => scalar(nodeValues[i]));
      n.inputs.forEach((input, slot) => {
        const [g] = grad((t) =>
          applyOp(
            n.op as Op,
            args.map((a, k) => (k === slot ? t : a)),
          ),
        )(args[slot]);
        const local = read(g);
        const upstream = grads[id];
        edges.push({ node: id, slot, input, local, upstream, product: read(mul(g, scalar(upstream))) });
      });
    }
    return { values: nodeValues, grads, edges };
  });
}
