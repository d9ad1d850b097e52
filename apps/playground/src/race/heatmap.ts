/** The surface as a banded heat map (filled contours of log(1 + f − min)), evaluated on a grid with core's ops. */
import { tensor, tidy } from '@backprop/core';
import type { Surface } from './surfaces.js';

const PALETTE = [
  [13, 8, 135],
  [84, 2, 163],
  [139, 10, 165],
  [185, 50, 137],
  [219, 92, 104],
  [244, 136, 73],
  [254, 188, 43],
  [240, 249, 33],
];
const BANDS = 14;

function color(u: number): number[] {
  const t = Math.min(Math.max(u, 0), 1) * (PALETTE.length - 1);
  const i = Math.min(Math.floor(t), PALETTE.length - 2);
  const a = PALETTE[i];
  const b = PALETTE[i + 1];
  return a.map((c, k) => c + (b[k] - c) * (t - i));
}

/** Renders `s` at `size`×`size` pixels. */
export function heatmap(s: Surface, size: number): ImageData {
  const n = size * size;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      xs[r * size + c] = s.x[0] + ((c + 0.5) / size) * (s.x[1] - s.x[0]);
      ys[r * size + c] = s.y[1] - ((r + 0.5) / size) * (s.y[1] - s.y[0]);
    }
  const f = tidy(() => s.f(tensor(xs), tensor(ys)).dataSync());
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of f) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const top = Math.log1p(hi - lo);
  const img = new ImageData(size, size);
  for (let i = 0; i < n; i++) {
    const u = Math.log1p(f[i] - lo) / top;
    const band = Math.floor(u * BANDS) / BANDS;
    const shade = (u * BANDS) % 1 < 0.06 ? 0.75 : 1; // a darker rim marks each contour
    const [r, g, b] = color(band);
    img.data.set([r * shade, g * shade, b * shade, 255], 4 * i);
  }
  return img;
}
