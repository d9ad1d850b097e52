import * as core from '@backprop/core';
import { cpu } from '/work/main/packages/backend-cpu/dist/index.js';
const opts = JSON.parse(process.argv[2] || '{"simd":true,"threads":2}');
const backend = cpu(opts);
const times = new Map();
for (const [name, k] of Object.entries(backend.kernels)) {
  backend.kernels[name] = (i, a, o) => { const t = performance.now(); const r = k(i, a, o); const e = times.get(name) ?? [0, 0]; e[0] += performance.now() - t; e[1]++; times.set(name, e); return r; };
}
await core.setBackend(backend); await backend.ready();
const { nn, losses, tidy, keep, dispose, valueAndGrad } = core;
const model = nn.sequential(nn.dense(784, 512), nn.relu(), nn.dense(512, 512), nn.relu(), nn.dense(512, 10));
const params = model.parameters();
const x = core.randomUniform([128, 784]);
const y = core.tensor(Int32Array.from({ length: 128 }, (_, i) => i % 10), [128], 'int32');
const m = params.map((p) => keep(core.zeros(p.value.shape))); const v = params.map((p) => keep(core.zeros(p.value.shape)));
let t = 0; const [lr,b1,b2,eps]=[1e-3,0.9,0.999,1e-8];
const step = (phase) => { t++;
  let t0 = performance.now();
  const { value, grads } = tidy(() => valueAndGrad((...ws) => losses.softmaxCrossEntropy(model.forward(x), y))(...params.map((p) => p.value)));
  phase.grad += performance.now() - t0; t0 = performance.now();
  tidy(() => { params.forEach((p, i) => { const g = grads[i];
    const mi = core.add(core.mul(m[i], b1), core.mul(g, 1 - b1));
    const vi = core.add(core.mul(v[i], b2), core.mul(core.square(g), 1 - b2));
    const denom = core.add(core.div(core.sqrt(vi), Math.sqrt(1 - b2 ** t)), eps);
    p.assign(core.sub(p.value, core.mul(core.div(mi, denom), lr / (1 - b1 ** t))));
    dispose([m[i], v[i]]); m[i] = keep(mi); v[i] = keep(vi); }); });
  phase.adam += performance.now() - t0;
  value.dataSync(); dispose([value, ...grads]); };
const warm = {grad:0, adam:0}; for (let i=0;i<3;i++) step(warm);
times.clear(); const ph = {grad:0, adam:0}; const N=10;
const s = performance.now(); for (let i=0;i<N;i++) step(ph); const tot=(performance.now()-s)/N;
console.log('total ms/step', tot.toFixed(1), 'grad', (ph.grad/N).toFixed(1), 'adam', (ph.adam/N).toFixed(1));
const rows=[...times].sort((a,b)=>b[1][0]-a[1][0]);
let ksum=0; for (const [n,[ms,c]] of rows){ ksum+=ms; console.log(n.padEnd(20), (ms/N).toFixed(2),'ms', c/N,'calls'); }
console.log('kernels total', (ksum/N).toFixed(1));
process.exit(0);
