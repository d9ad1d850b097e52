/**
 * Benchmark (not a test): the host's Adam update over the 669,706 parameters of MLP 784-512-512-10
 * (six tensors), as a step written in place runs it, two ways, interleaved: the arrays resident in
 * WebAssembly memory (the update computes where they live; only the gradient is copied in), and
 * plain host arrays (every block copied through the module's memory and back). Prints the median
 * of 15 rounds of 100 updates each. Run after building this package:
 * `node packages/backend-onnx/bench/host-update.mjs`.
 */
import { runHostUpdate } from '../dist/host-update.js';
import { makeResident } from '../dist/resident-update.js';

const sizes = [784 * 512, 512, 512 * 512, 512, 512 * 10, 10];
const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
const random = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);

/** One Adam update per tensor, its θ, m and v resident or plain. */
function updates(resident) {
  return sizes.map((n) => {
    let targets = [random(n), random(n), random(n).map(Math.abs)];
    if (resident) targets = makeResident(targets);
    const [theta, m, v] = targets;
    const inputs = [theta, random(n), m, v, Int32Array.of(3), Float32Array.of(1e-3)];
    return { name: 'adamUpdate', attrs, inputs, coefficients: [1e-3, 1e-8], targets };
  });
}

const ways = { resident: { list: updates(true), path: 'wasm' }, copied: { list: updates(false), path: 'copy' } };
const time = ({ list, path }) => {
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) for (const u of list) runHostUpdate(u, { path });
  return (performance.now() - t0) / 100;
};
const times = { resident: [], copied: [] };
for (let round = 0; round < 18; round++)
  for (const [name, way] of Object.entries(ways)) {
    const ms = time(way);
    if (round >= 3) times[name].push(ms); // three rounds to warm up
  }
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const [name, t] of Object.entries(times))
  console.log(
    `${name.padEnd(9)} ${median(t).toFixed(3)} ms per update (rounds ${t.map((x) => x.toFixed(2)).join(' ')})`,
  );
console.log(`copied ÷ resident: ${(median(times.copied) / median(times.resident)).toFixed(2)}×`);
