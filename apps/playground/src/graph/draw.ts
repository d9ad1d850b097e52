/** Draws the computational graph as SVG: forward values on nodes, ∂f/∂node on nodes and edges as the backward pass reveals them. */
import type { EdgeGradient, GraphNumbers } from './gradients.js';
import { type Graph, label } from './graph.js';
import { layout } from './layout.js';
import { fmt } from './names.js';

/** What the backward pass has revealed so far. */
export interface Revealed {
  /** Nodes whose ∂f/∂node is known. */
  grads: Set<number>;
  /** Edges (as `${node}:${slot}`) whose share of the gradient has been passed back. */
  edges: Set<string>;
  /** The node the last step processed, highlighted. */
  current?: number;
}

const COL = 170;
const ROW = 104;
const PAD = 70;
const R = 20;
const NS = 'http://www.w3.org/2000/svg';

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Replaces the contents of `svg` with the graph. */
export function drawGraph(
  svg: SVGSVGElement,
  graph: Graph,
  nums: GraphNumbers,
  names: string[],
  shown: Revealed,
): void {
  const { places, cols, rows } = layout(graph);
  const width = (cols - 1) * COL + 2 * PAD + 60;
  const height = (rows - 1) * ROW + 2 * PAD;
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  const xy = (id: number) => [PAD + places[id].col * COL, PAD + places[id].row * ROW] as const;

  const edgeOf = new Map<string, EdgeGradient>(nums.edges.map((e) => [`${e.node}:${e.slot}`, e]));
  for (const n of graph.nodes) {
    n.inputs.forEach((input, slot) => {
      const [x1, y1] = xy(input);
      const [x2, y2] = xy(n.id);
      const key = `${n.id}:${slot}`;
      const active = shown.current === n.id;
      const g = el('g', { class: `edge${active ? ' active' : ''}`, 'data-edge': key });
      g.append(el('line', { x1: x1 + R, y1, x2: x2 - R, y2 }));
      const e = edgeOf.get(key);
      if (e && shown.edges.has(key)) {
        const mx = (x1 + x2) / 2;
        const my = (y1 + y2) / 2;
        g.append(el('text', { x: mx, y: my + 14, class: 'grad' }, fmt(e.product)));
      }
      svg.append(g);
    });
  }
  // The output's edge: ∂f/∂f = 1.
  const [rx, ry] = xy(graph.root);
  const out = el('g', { class: 'edge' });
  out.append(el('line', { x1: rx + R, y1: ry, x2: rx + R + 40, y2: ry }));
  svg.append(out);

  for (const n of graph.nodes) {
    const [x, y] = xy(n.id);
    const g = el('g', {
      class: `node ${n.kind}${shown.current === n.id ? ' active' : ''}`,
      'data-node': n.id,
      'data-name': names[n.id],
    });
    g.append(el('circle', { cx: x, cy: y, r: R }));
    g.append(el('text', { x, y: y + 5, class: 'op' }, label(n)));
    // A constant shows its value inside its circle; no name, no gradient of its own.
    if (n.kind !== 'num')
      g.append(el('text', { x, y: y - R - 8, class: 'value' }, `${names[n.id]} = ${fmt(nums.values[n.id])}`));
    if (shown.grads.has(n.id) && n.kind !== 'num')
      g.append(el('text', { x, y: y + R + 18, class: 'grad' }, `∂f/∂${names[n.id]} = ${fmt(nums.grads[n.id])}`));
    svg.append(g);
  }
}
