/** Paints the picture view from a worker's {@link Picture}: the decision boundary for 2-D data, first-layer weights as images for MNIST. */
import type { BoundaryPicture, Picture, WeightsPicture } from './picture-data.js';

const COLORS = [
  [66, 133, 244],
  [234, 67, 53],
  [52, 168, 83],
  [251, 188, 5],
  [155, 81, 224],
];

/** Shades each cell by the predicted class and its probability, then draws the test points. */
function paintBoundary(canvas: HTMLCanvasElement, pic: BoundaryPicture): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const { cells, classes: k, probs: p } = pic;
  const [x0, x1, y0, y1] = pic.bounds;
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
  for (let i = 0; i < pic.testY.length; i++) {
    const [r, gr, b] = COLORS[pic.testY[i] % COLORS.length];
    g.fillStyle = `rgb(${r},${gr},${b})`;
    g.strokeStyle = '#fff';
    g.beginPath();
    g.arc(
      ((pic.testX[2 * i] - x0) / (x1 - x0)) * canvas.width,
      ((y1 - pic.testX[2 * i + 1]) / (y1 - y0)) * canvas.height,
      3.5,
      0,
      2 * Math.PI,
    );
    g.fill();
    g.stroke();
  }
}

/** Draws the first 36 hidden units' incoming weights as 28×28 images (blue negative, red positive). */
async function paintWeights(canvas: HTMLCanvasElement, pic: WeightsPicture): Promise<void> {
  const g = canvas.getContext('2d');
  if (!g) return;
  const { values, units: cols } = pic;
  const units = Math.min(36, cols);
  const side = Math.ceil(Math.sqrt(units));
  const tile = Math.floor(canvas.width / side);
  const img = g.createImageData(28, 28);
  g.clearRect(0, 0, canvas.width, canvas.height);
  for (let u = 0; u < units; u++) {
    let m = 1e-9;
    for (let p = 0; p < 784; p++) m = Math.max(m, Math.abs(values[p * cols + u]));
    for (let p = 0; p < 784; p++) {
      const v = values[p * cols + u] / m;
      img.data.set([v > 0 ? 255 : 255 * (1 + v), 255 * (1 - Math.abs(v)), v < 0 ? 255 : 255 * (1 - v), 255], 4 * p);
    }
    const bitmap = await createImageBitmap(img);
    g.imageSmoothingEnabled = false;
    g.drawImage(bitmap, (u % side) * tile, Math.floor(u / side) * tile, tile - 2, tile - 2);
  }
}

/** Paints either picture. */
export function paintPicture(canvas: HTMLCanvasElement, pic: Picture): Promise<void> {
  if (pic.kind === 'boundary') {
    paintBoundary(canvas, pic);
    return Promise.resolve();
  }
  return paintWeights(canvas, pic);
}
