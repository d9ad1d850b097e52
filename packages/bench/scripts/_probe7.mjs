import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { Adam } from '@backprop/optimizers';
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const mode = process.argv[2] ?? 'split';
const gapMs = Number(process.argv[3] ?? 0);
const spin = (ms) => { const e = performance.now() + ms; while (performance.now() < e); };
const backend = cpu({ threads: 2, ...(mode === 'nosplit' ? { parallelMinElements: 1e8 } : {}) });
await backend.ready(); await bp.setBackend(backend);
const W = new bp.Parameter('w', bp.randomNormal([784, 512], { std: 0.01 }));
const g = bp.keep(bp.randomNormal([784, 512], { std: 0.01 }));
const x = bp.keep(bp.randomUniform([128, 784]));
const opt = new Adam({ lr: 1e-3 });
const tu = [], tm = [], tm2 = [];
for (let i = 0; i < 400; i++) {
  let t0 = performance.now();
  if (mode !== 'noupdate') opt.step([W], [g], { inPlace: true });
  spin(gapMs);
  const t1 = performance.now();
  const y = bp.matmul(x, W.value);
  const t2 = performance.now();
  const y2 = bp.matmul(x, W.value);
  const t3 = performance.now();
  y.dispose(); y2.dispose();
  if (i >= 100) { tu.push(t1 - t0); tm.push(t2 - t1); tm2.push(t3 - t2); }
}
console.log(mode, 'update', med(tu).toFixed(3), 'matmul after update', med(tm).toFixed(3), 'matmul again', med(tm2).toFixed(3));
