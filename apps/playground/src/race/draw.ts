/** Draws the race: the heat map, the minimum, and each racer's path up to the current frame. */
import type { Surface } from './surfaces.js';

/** A path (θ_t at [2t, 2t + 1]) with its color. */
export interface DrawnPath {
  color: string;
  xy: Float64Array;
}

/** Draws onto `canvas` (square); `upto` is the last step shown. */
export function drawRace(
  canvas: HTMLCanvasElement,
  s: Surface,
  heat: ImageBitmap | HTMLCanvasElement,
  paths: DrawnPath[],
  upto: number,
): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const { width: w, height: h } = canvas;
  const px = (x: number) => ((x - s.x[0]) / (s.x[1] - s.x[0])) * w;
  const py = (y: number) => (1 - (y - s.y[0]) / (s.y[1] - s.y[0])) * h;
  ctx.drawImage(heat, 0, 0, w, h);
  if (s.minimum) {
    ctx.fillStyle = '#fff';
    ctx.font = '18px system-ui';
    ctx.fillText('★', px(s.minimum[0]) - 7, py(s.minimum[1]) + 6);
  }
  ctx.lineWidth = 2;
  for (const { color, xy } of paths) {
    const n = Math.min(upto, xy.length / 2 - 1);
    ctx.strokeStyle = color;
    ctx.beginPath();
    let pen = false;
    for (let t = 0; t <= n; t++) {
      const x = xy[2 * t];
      const y = xy[2 * t + 1];
      const ok = Number.isFinite(x) && Number.isFinite(y) && Math.abs(x) < 1e6 && Math.abs(y) < 1e6;
      if (!ok) break;
      if (pen) ctx.lineTo(px(x), py(y));
      else ctx.moveTo(px(x), py(y));
      pen = true;
    }
    ctx.stroke();
    const x = xy[2 * n];
    const y = xy[2 * n + 1];
    if (Number.isFinite(x) && Number.isFinite(y)) {
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(px(x), py(y), 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.fillStyle = '#fff';
  ctx.beginPath();
  const start = paths[0]?.xy;
  if (start) ctx.arc(px(start[0]), py(start[1]), 5, 0, 2 * Math.PI);
  ctx.fill();
}
