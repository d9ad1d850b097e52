/**
 * Draws the network view (page side), as in TensorFlow Playground: the MLP as columns of neurons,
 * each a small canvas with its output over the input plane as a heat map (blue positive, orange
 * negative, white zero, scaled to the neuron's largest |value| on the grid; class probabilities
 * p as 2p − 1), and an SVG line per weight, coloured by its sign and as thick as its magnitude.
 * The DOM is rebuilt only when the layer sizes change; otherwise pixels and lines are updated.
 */
import type { NetworkPicture } from './activations.js';
import { FEATURES } from './features.js';

/** Positive values and weights (TensorFlow Playground's blue). */
export const POSITIVE = [8, 119, 189] as const;
/** Negative values and weights (TensorFlow Playground's orange). */
export const NEGATIVE = [245, 147, 34] as const;
/** Layers wider than this are not drawn (the view would be unreadable). */
export const MAX_DRAWN_UNITS = 32;

const SVG = 'http://www.w3.org/2000/svg';
const NODE = 34;
const ROW = 42;
const COL = 120;
const LEFT = 56;
const PAD = 12;

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/** An edge's stroke colour and width for weight `w`: the sign picks the colour, |w| the width. */
export function edgeStyle(w: number): { color: string; width: number } {
  return { color: rgb(w >= 0 ? POSITIVE : NEGATIVE), width: 0.5 + 5.5 * Math.tanh(Math.abs(w) / 1.5) };
}

/** Fills a neuron's canvas from its column `unit` of a cells² × units block. */
function paintNeuron(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  units: number,
  unit: number,
  cells: number,
  probability: boolean,
): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const n = cells * cells;
  let scale = 1;
  if (!probability) {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(values[i * units + unit]));
    scale = max > 1e-12 ? max : 1;
  }
  const img = g.createImageData(cells, cells);
  for (let i = 0; i < n; i++) {
    const raw = values[i * units + unit];
    const v = Math.max(-1, Math.min(1, probability ? 2 * raw - 1 : raw / scale));
    const c = v >= 0 ? POSITIVE : NEGATIVE;
    const a = Math.abs(v);
    for (let k = 0; k < 3; k++) img.data[4 * i + k] = Math.round(255 + (c[k] - 255) * a);
    img.data[4 * i + 3] = 255;
  }
  g.putImageData(img, 0, 0);
}

/** The view: `draw` takes each picture the worker posts. */
export class NetworkView {
  private shape = '';
  private nodes: HTMLCanvasElement[][] = [];
  private edges: SVGLineElement[][] = [];

  constructor(
    readonly root: HTMLElement,
    readonly caption: HTMLElement,
  ) {}

  /** Empties the view, with `message` in the caption. */
  clear(message: string): void {
    this.root.replaceChildren();
    this.shape = '';
    this.nodes = [];
    this.edges = [];
    this.caption.textContent = message;
  }

  private build(pic: NetworkPicture): void {
    const { sizes } = pic;
    const width = LEFT + (sizes.length - 1) * COL + NODE + PAD;
    const height = 2 * PAD + Math.max(...sizes) * ROW - (ROW - NODE);
    const pos = (layer: number, unit: number) => ({
      x: LEFT + layer * COL,
      y: PAD + ((Math.max(...sizes) - sizes[layer]) * ROW) / 2 + unit * ROW,
    });
    const box = document.createElement('div');
    box.className = 'nn-box';
    box.style.aspectRatio = `${width} / ${height}`;
    box.style.maxWidth = `${width * 1.8}px`;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.classList.add('nn-edges');
    this.edges = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const layerEdges: SVGLineElement[] = [];
      for (let i = 0; i < sizes[l]; i++) {
        for (let j = 0; j < sizes[l + 1]; j++) {
          const [a, b] = [pos(l, i), pos(l + 1, j)];
          const line = document.createElementNS(SVG, 'line');
          line.classList.add('nn-edge');
          line.setAttribute('x1', String(a.x + NODE));
          line.setAttribute('y1', String(a.y + NODE / 2));
          line.setAttribute('x2', String(b.x));
          line.setAttribute('y2', String(b.y + NODE / 2));
          line.dataset.from = `${l}:${i}`;
          line.dataset.to = `${l + 1}:${j}`;
          svg.append(line);
          layerEdges.push(line);
        }
      }
      this.edges.push(layerEdges);
    }
    box.append(svg);
    this.nodes = sizes.map((units, l) =>
      Array.from({ length: units }, (_, i) => {
        const p = pos(l, i);
        const c = document.createElement('canvas');
        c.width = c.height = pic.cells;
        c.className = 'nn-node';
        c.dataset.layer = String(l);
        c.dataset.unit = String(i);
        c.dataset.kind = l === 0 ? 'input' : l === sizes.length - 1 ? 'output' : 'hidden';
        Object.assign(c.style, {
          left: `${(100 * p.x) / width}%`,
          top: `${(100 * p.y) / height}%`,
          width: `${(100 * NODE) / width}%`,
          height: `${(100 * NODE) / height}%`,
        });
        c.title =
          l === 0
            ? FEATURES[pic.features[i]].label
            : l === sizes.length - 1
              ? `class ${i}`
              : `layer ${l}, unit ${i + 1}`;
        box.append(c);
        if (l === 0) {
          const label = document.createElement('span');
          label.className = 'nn-label';
          label.textContent = FEATURES[pic.features[i]].label;
          Object.assign(label.style, {
            right: `${100 - (100 * (p.x - 4)) / width}%`,
            top: `${(100 * (p.y + NODE / 2)) / height}%`,
          });
          box.append(label);
        }
        return c;
      }),
    );
    this.root.replaceChildren(box);
  }

  /** Draws (or updates) the network from a worker's picture. */
  draw(pic: NetworkPicture): void {
    if (pic.sizes.some((u) => u > MAX_DRAWN_UNITS)) {
      this.clear(`network view: layers wider than ${MAX_DRAWN_UNITS} units are not drawn`);
      return;
    }
    const shape = `${pic.sizes.join(',')}|${pic.features.join(',')}|${pic.cells}`;
    if (shape !== this.shape) {
      this.build(pic);
      this.shape = shape;
    }
    const last = pic.sizes.length - 1;
    pic.sizes.forEach((units, l) => {
      for (let i = 0; i < units; i++) {
        paintNeuron(this.nodes[l][i], pic.activations[l], units, i, pic.cells, l === last);
        this.nodes[l][i].dataset.epoch = String(pic.epoch);
      }
    });
    pic.weights.forEach((w, l) => {
      const out = pic.sizes[l + 1];
      this.edges[l].forEach((line, k) => {
        const [i, j] = [Math.floor(k / out), k % out];
        const weight = w[i * out + j];
        const { color, width } = edgeStyle(weight);
        line.dataset.weight = String(weight);
        line.setAttribute('stroke', color);
        line.setAttribute('stroke-width', width.toFixed(3));
      });
    });
    this.caption.textContent =
      `network at epoch ${pic.epoch}: each square is a neuron's output over the plane ` +
      '(blue positive, orange negative, scaled to its largest |value|; outputs: class probability); ' +
      'edges: weight sign (colour) and |weight| (thickness)';
  }
}
