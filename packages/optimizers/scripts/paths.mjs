// Draws each optimizer's path on the Rosenbrock valley (the lecture's momentum slide) to docs/optimizer-paths.svg.
// Run after `pnpm build`:  node scripts/paths.mjs   (no dependencies beyond the workspace packages)
import { writeFileSync } from 'node:fs';
import { cpu } from '@backprop/backend-cpu';
import { add, mul, Parameter, setBackend, sub, tensor, tidy, valueAndGrad } from '@backprop/core';

await setBackend(cpu());
const f = (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
const STEPS = 500;
const START = [-1.5, 2.2];
const runs = [
  ['SGD (γ = 5e-4)', '#7f7f7f', () => sgd({ lr: 5e-4 })],
  ['momentum, PyTorch (γ = 1e-3, μ = 0.9)', '#1f77b4', () => sgd({ lr: 1e-3, momentum: 0.9 })],
  ['momentum, lecture (η = 1e-2, λ = 0.9)', '#17becf', () => sgd({ lr: 1e-2, momentum: 0.9, form: 'lecture' })],
  [
    'Nesterov look-ahead, lecture (same)',
    '#9467bd',
    () => sgd({ lr: 1e-2, momentum: 0.9, nesterov: true, form: 'lecture' }),
  ],
  ['AdaGrad (γ = 0.2)', '#2ca02c', () => adagrad({ lr: 0.2 })],
  ['RMSProp (γ = 1e-2)', '#ff7f0e', () => rmsprop({ lr: 1e-2 })],
  ['Adam (γ = 2e-2)', '#d62728', () => adam({ lr: 2e-2 })],
];

function path(make) {
  const px = new Parameter('x', tensor(START[0]));
  const py = new Parameter('y', tensor(START[1]));
  const opt = make();
  const loss = (x, y) => {
    const a = sub(1, x);
    const b = sub(y, mul(x, x));
    return add(mul(a, a), mul(mul(b, b), 100));
  };
  const points = [START];
  for (let i = 0; i < STEPS; i++) {
    opt.beforeGradient?.([px, py]);
    const { grads } = tidy(() => valueAndGrad(loss)(px.value, py.value));
    opt.step([px, py], grads);
    for (const g of grads) g.dispose();
    points.push([px.value.dataSync()[0], py.value.dataSync()[0]]);
  }
  opt.dispose();
  return points;
}

// Plot area, and contour lines of log f by marching squares.
const [W, H, M] = [640, 520, 40];
const [x0, x1, y0, y1] = [-2, 2, -1, 3];
const sx = (x) => M + ((x - x0) / (x1 - x0)) * (W - 2 * M);
const sy = (y) => H - M - ((y - y0) / (y1 - y0)) * (H - 2 * M);
const N = 160;
const grid = [];
for (let j = 0; j <= N; j++) {
  grid.push([]);
  for (let i = 0; i <= N; i++) grid[j].push(Math.log10(1e-3 + f(x0 + ((x1 - x0) * i) / N, y0 + ((y1 - y0) * j) / N)));
}
const contours = [];
for (let level = -1; level <= 3.5; level += 0.5) {
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < N; i++) {
      const c = [grid[j][i], grid[j][i + 1], grid[j + 1][i + 1], grid[j + 1][i]];
      const corners = [
        [i, j],
        [i + 1, j],
        [i + 1, j + 1],
        [i, j + 1],
      ];
      const pts = [];
      for (let e = 0; e < 4; e++) {
        const [a, b] = [c[e], c[(e + 1) % 4]];
        if (a < level !== b < level) {
          const t = (level - a) / (b - a);
          const [p, q] = [corners[e], corners[(e + 1) % 4]];
          pts.push([
            x0 + ((x1 - x0) * (p[0] + t * (q[0] - p[0]))) / N,
            y0 + ((y1 - y0) * (p[1] + t * (q[1] - p[1]))) / N,
          ]);
        }
      }
      for (let k = 0; k + 1 < pts.length; k += 2) {
        contours.push(
          `M${sx(pts[k][0]).toFixed(1)},${sy(pts[k][1]).toFixed(1)}L${sx(pts[k + 1][0]).toFixed(1)},${sy(pts[k + 1][1]).toFixed(1)}`,
        );
      }
    }
  }
}

const clip = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const lines = runs.map(([name, color, make], r) => {
  const pts = path(make).map(([x, y]) => `${clip(sx(x), 0, W).toFixed(1)},${clip(sy(y), 0, H).toFixed(1)}`);
  const legendY = M + 16 * (r + 1);
  return [
    `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.6" stroke-opacity="0.85"/>`,
    `<line x1="${W - 290}" y1="${legendY}" x2="${W - 270}" y2="${legendY}" stroke="${color}" stroke-width="3"/>`,
    `<text x="${W - 265}" y="${legendY + 4}" font-size="11" font-family="sans-serif">${name}</text>`,
  ].join('\n');
});
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<title>Optimizer paths on the Rosenbrock valley</title>
<rect width="100%" height="100%" fill="white"/>
<path d="${contours.join('')}" fill="none" stroke="#ccc" stroke-width="0.7"/>
<rect x="${M}" y="${M}" width="${W - 2 * M}" height="${H - 2 * M}" fill="none" stroke="#888"/>
<text x="${W / 2}" y="22" font-size="14" text-anchor="middle" font-family="sans-serif">${STEPS} steps on Rosenbrock (1−x)² + 100(y−x²)² from (${START.join(', ')})</text>
<circle cx="${sx(1)}" cy="${sy(1)}" r="4" fill="black"/><text x="${sx(1) + 6}" y="${sy(1) + 14}" font-size="11" font-family="sans-serif">minimum (1, 1)</text>
<circle cx="${sx(START[0])}" cy="${sy(START[1])}" r="4" fill="none" stroke="black"/>
${lines.join('\n')}
</svg>
`;
const out = new URL('../docs/optimizer-paths.svg', import.meta.url);
writeFileSync(out, svg);
console.log(`wrote ${out.pathname}`);
