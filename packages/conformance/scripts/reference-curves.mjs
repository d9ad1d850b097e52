// Writes golden/curves.json: the loss curves of the end-to-end training cases on backend-cpu,
// the reference every backend must match. backend-cpu is imported by path from the workspace
// (not a dependency: backend-cpu depends on this package for its tests, and a cycle would
// break the build graph). Run after building both packages:
//   node scripts/reference-curves.mjs
import { writeFileSync } from 'node:fs';
import { setBackend } from '@backprop/core';
import { cpu } from '../../backend-cpu/dist/index.js';
import { mnistCurve, xorCurve } from '../dist/training/curves.js';

await setBackend(cpu());
const xor = await xorCurve();
const mnist = await mnistCurve();
for (const [name, curve] of [
  ['xor', xor],
  ['mnist', mnist],
]) {
  // A curve that learns: the loss falls by more than 40 % (MNIST's 24 steps take 2.32 to 1.19).
  if (!(curve[curve.length - 1] < curve[0] * 0.6))
    throw new Error(`${name}: the loss did not fall by 40 % (${curve[0]} → ${curve.at(-1)})`);
}
writeFileSync(new URL('../golden/curves.json', import.meta.url), `${JSON.stringify({ backend: 'cpu', xor, mnist })}\n`);
console.log(
  `xor ${xor[0].toFixed(4)} → ${xor.at(-1).toFixed(4)} (${xor.length} steps); mnist ${mnist[0].toFixed(4)} → ${mnist.at(-1).toFixed(4)} (${mnist.length} steps)`,
);
