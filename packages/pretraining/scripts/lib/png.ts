/** A tiny grayscale PNG encoder (node:zlib) and a helper that tiles images into a grid. */
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, 'ascii'), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encodes 8-bit grayscale pixels (row-major, width × height) as a PNG file. */
export function encodePng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, grayscale, deflate, no filter, no interlace
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const signature = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);
  const parts = [signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  return Buffer.concat(parts);
}

/**
 * Tiles images (each w × h floats) into a grid `cols` wide with a 1-pixel gap, scaled up by
 * `scale`. Each tile is min–max normalised on its own (`perTile`, for filters) or values are
 * clamped from [0, 1] (for images).
 */
export function tileGrid(
  images: Float32Array[],
  { w, h, cols, scale = 2, perTile = false }: { w: number; h: number; cols: number; scale?: number; perTile?: boolean },
): { pixels: Uint8Array; width: number; height: number } {
  const rows = Math.ceil(images.length / cols);
  const width = (cols * (w + 1) + 1) * scale;
  const height = (rows * (h + 1) + 1) * scale;
  const pixels = new Uint8Array(width * height).fill(255);
  images.forEach((img, t) => {
    let lo = 0;
    let hi = 1;
    if (perTile) {
      lo = Math.min(...img);
      hi = Math.max(...img);
    }
    const ox = (t % cols) * (w + 1) + 1;
    const oy = Math.floor(t / cols) * (h + 1) + 1;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, (img[y * w + x] - lo) / Math.max(hi - lo, 1e-12))));
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++) pixels[((oy + y) * scale + dy) * width + (ox + x) * scale + dx] = v;
      }
  });
  return { pixels, width, height };
}
