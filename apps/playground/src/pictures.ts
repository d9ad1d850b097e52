/** The picture view: the decision boundary over the plane for 2-D data, first-layer weights as images for MNIST. */
import { type Module, predict, softmax, type Tensor, tensor, tidy } from '@backprop/core';
import type { PlaygroundData } from './data.js';

const COLORS = [
  [66, 133, 244],
  [234, 67, 53],
  [52, 168, 83],
  [251, 188, 5],
  [155, 81, 224],
];

/** Shades each pixel by the predicted class and its probability, then draws the test points. */
export async function drawBoundary(canvas: HTMLCanvasElement, model: Module, data: PlaygroundData): Promise<void> {
  const g = canvas.getContext('2d');
  if (!g) return;
  const cells = 60;
  const { train } = data;
  let [x0, x1, y0, y1] = [
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ];
  for (let i = 0; i < train.x.length; i += 2) {
    [x0, x1] = [Math.min(x0, train.x[i]), Math.max(x1, train.x[i])];
    [y0, y1] = [Math.min(y0, train.x[i + 1]), Math.max(y1, train.x[i + 1])];
  }
  const [mx, my] = [(x1 - x0) * 0.1, (y1 - y0) * 0.1];
  [x0, x1, y0, y1] = [x0 - mx, x1 + mx, y0 - my, y1 + my];
  const grid = new Float32Array(cells * cells * 2);
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      grid[2 * (r * cells + c)] = x0 + ((c + 0.5) / cells) * (x1 - x0);
      grid[2 * (r * cells + c) + 1] = y1 - ((r + 0.5) / cells) * (y1 - y0);
    }
  }
  const logits = await predict(model, tensor(grid, [cells * cells, 2]));
  const probs = tidy(() => softmax(logits));
  const p = await probs.data();
  const k = data.classes;
  logits.dispose();
  probs.dispose();
  const cw = canvas.width / cells;
  const ch = canvas.height / cells;
  for (let i = 0; i < cells * cells; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
    const a = 0.25 + 0.5 * (p[i * k + best] - 1 / k) * (k / (k - 1));
    const [r, gr, b] = COLORS[best % COLORS.length];
    // Opaque colours blended with white by hand: overlapping translucent cells would show seams.
    const mix = (c: number) => Math.round(255 + (c - 255) * a);
    g.fillStyle = `rgb(${mix(r)},${mix(gr)},${mix(b)})`;
    g.fillRect((i % cells) * cw, Math.floor(i / cells) * ch, cw + 1, ch + 1);
  }
  const { test } = data;
  for (let i = 0; i < test.yShape[0]; i++) {
    const [r, gr, b] = COLORS[test.y[i] % COLORS.length];
    g.fillStyle = `rgb(${r},${gr},${b})`;
    g.strokeStyle = '#fff';
    g.beginPath();
    g.arc(
      ((test.x[2 * i] - x0) / (x1 - x0)) * canvas.width,
      ((y1 - test.x[2 * i + 1]) / (y1 - y0)) * canvas.height,
      3.5,
      0,
      2 * Math.PI,
    );
    g.fill();
    g.stroke();
  }
}

/** Draws the first 36 hidden units' incoming weights as 28×28 images (blue negative, red positive). */
export async function drawWeights(canvas: HTMLCanvasElement, model: Module): Promise<void> {
  const g = canvas.getContext('2d');
  const w: Tensor | undefined = model.parameters()[0]?.value;
  if (!g || !w || w.shape[0] !== 784) return;
  const values = await w.data();
  const units = Math.min(36, w.shape[1]);
  const side = Math.ceil(Math.sqrt(units));
  const tile = Math.floor(canvas.width / side);
  const img = g.createImageData(28, 28);
  g.clearRect(0, 0, canvas.width, canvas.height);
  for (let u = 0; u < units; u++) {
    let m = 1e-9;
    for (let p = 0; p < 784; p++) m = Math.max(m, Math.abs(values[p * w.shape[1] + u]));
    for (let p = 0; p < 784; p++) {
      const v = values[p * w.shape[1] + u] / m;
      img.data.set([v > 0 ? 255 : 255 * (1 + v), 255 * (1 - Math.abs(v)), v < 0 ? 255 : 255 * (1 - v), 255], 4 * p);
    }
    const bitmap = await createImageBitmap(img);
    g.imageSmoothingEnabled = false;
    g.drawImage(bitmap, (u % side) * tile, Math.floor(u / side) * tile, tile - 2, tile - 2);
  }
}
