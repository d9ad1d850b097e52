/** Pictures of the pretraining page: 28×28 tiles in a grid (RBM filters, Gibbs chains). */

/** Grid geometry: `count` tiles of 28×28 pixels, `cols` per row, 1 px gaps. */
export function gridShape(count: number, cols = Math.ceil(Math.sqrt(count))): { cols: number; rows: number } {
  return { cols, rows: Math.ceil(count / cols) };
}

/**
 * Draws `count` tiles into `canvas`: tile t's pixel p is `pixel(t, p)`, scaled to grey by `scale`
 * ('tile': each tile's own min..max, for filters; 'unit': 0..1, for images). Returns the tiles drawn.
 */
export function drawTiles(
  canvas: HTMLCanvasElement,
  count: number,
  pixel: (tile: number, p: number) => number,
  { cols, scale = 'unit' }: { cols?: number; scale?: 'tile' | 'unit' } = {},
): number {
  const grid = gridShape(count, cols);
  const w = grid.cols * 29 + 1;
  const h = grid.rows * 29 + 1;
  const image = new ImageData(w, h);
  image.data.fill(255);
  for (let t = 0; t < count; t++) {
    let lo = 0;
    let hi = 1;
    if (scale === 'tile') {
      lo = Infinity;
      hi = -Infinity;
      for (let p = 0; p < 784; p++) {
        const v = pixel(t, p);
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    const x0 = 1 + (t % grid.cols) * 29;
    const y0 = 1 + Math.floor(t / grid.cols) * 29;
    for (let p = 0; p < 784; p++) {
      const g = Math.round(255 * Math.min(1, Math.max(0, (pixel(t, p) - lo) / (hi - lo || 1))));
      const o = 4 * ((y0 + Math.floor(p / 28)) * w + x0 + (p % 28));
      image.data[o] = image.data[o + 1] = image.data[o + 2] = g;
    }
  }
  const small = document.createElement('canvas');
  small.width = w;
  small.height = h;
  (small.getContext('2d') as CanvasRenderingContext2D).putImageData(image, 0, 0);
  const zoom = Math.max(1, Math.floor(Math.min(canvas.width / w, canvas.height / h)));
  const g = canvas.getContext('2d') as CanvasRenderingContext2D;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.imageSmoothingEnabled = false;
  g.drawImage(small, 0, 0, w * zoom, h * zoom);
  return count;
}

/** A canvas's RGBA bytes. */
function pixelsOf(canvas: HTMLCanvasElement): Uint8ClampedArray {
  return (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
}

/** A checksum of a canvas's pixels (the tests compare it between epochs). */
export function pixelChecksum(canvas: HTMLCanvasElement): number {
  const data = pixelsOf(canvas);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum = (sum * 31 + data[i]) % 2147483647;
  return sum;
}

/** Pixels of a canvas darker than white (the tests check that something was drawn). */
export function inkedPixels(canvas: HTMLCanvasElement): number {
  const data = pixelsOf(canvas);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 250) n++;
  return n;
}
