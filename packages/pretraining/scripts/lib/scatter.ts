/** SVG scatter and paired-dot plots for the fair table (same look as svg.ts's line plots). */

export const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Rounded, evenly spaced ticks covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 6): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(+v.toPrecision(10));
  return out;
}

interface Frame {
  px: (x: number) => number;
  py: (y: number) => number;
  out: string[];
}

function frame(
  [x0, x1]: [number, number],
  [y0, y1]: [number, number],
  o: { title: string; xLabel: string; yLabel: string; width: number; height: number; xTicks?: boolean },
): Frame {
  const m = { l: 70, r: 250, t: 40, b: 50 };
  const { width, height } = o;
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (width - m.l - m.r);
  const py = (y: number) => height - m.b - ((y - y0) / (y1 - y0 || 1)) * (height - m.t - m.b);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(o.title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${(width - m.r + m.l) / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>`,
    `<line x1="${m.l}" y1="${height - m.b}" x2="${width - m.r}" y2="${height - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${height - m.b}" stroke="black"/>`,
    `<text x="${(width - m.r + m.l) / 2}" y="${height - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(16 ${(height - m.b + m.t) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`,
  ];
  if (o.xTicks !== false)
    for (const x of ticks(x0, x1)) {
      out.push(`<line x1="${px(x)}" y1="${m.t}" x2="${px(x)}" y2="${height - m.b}" stroke="#eee"/>`);
      out.push(`<text x="${px(x)}" y="${height - m.b + 16}" text-anchor="middle">${x}</text>`);
    }
  for (const y of ticks(y0, y1)) {
    out.push(`<line x1="${m.l - 4}" y1="${py(y)}" x2="${width - m.r}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${m.l - 6}" y="${py(y) + 4}" text-anchor="end">${y}</text>`);
  }
  return { px, py, out };
}

function padded(values: number[], lowAtZero = false): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = 0.08 * (hi - lo || Math.abs(hi) || 1);
  return [lowAtZero ? 0 : lo - pad, hi + pad];
}

/** One group of points (e.g. one row of the table, one point per seed) with its mean marked. */
export interface ScatterGroup {
  name: string;
  points: [number, number][];
  color?: string;
}

/** A scatter plot: small dots per point, a large ringed marker at each group's mean, a legend. */
export function scatterPlot(
  groups: ScatterGroup[],
  o: { title: string; xLabel: string; yLabel: string; width?: number; height?: number; note?: string },
): string {
  const width = o.width ?? 760;
  const height = o.height ?? 460;
  const all = groups.flatMap((g) => g.points);
  const f = frame(
    padded(
      all.map(([x]) => x),
      true,
    ),
    padded(all.map(([, y]) => y)),
    { ...o, width, height },
  );
  const { px, py, out } = f;
  groups.forEach((g, i) => {
    const color = g.color ?? palette[i % palette.length];
    for (const [x, y] of g.points)
      out.push(
        `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${color}" fill-opacity="0.55"/>`,
      );
    if (g.points.length) {
      const mx = g.points.reduce((a, [x]) => a + x, 0) / g.points.length;
      const my = g.points.reduce((a, [, y]) => a + y, 0) / g.points.length;
      out.push(
        `<rect x="${(px(mx) - 6).toFixed(1)}" y="${(py(my) - 6).toFixed(1)}" width="12" height="12" fill="${color}" stroke="black" stroke-width="1.5" transform="rotate(45 ${px(mx).toFixed(1)} ${py(my).toFixed(1)})"/>`,
      );
    }
    const ly = 48 + 20 * i;
    const lx = width - 240;
    out.push(`<circle cx="${lx + 6}" cy="${ly}" r="3.5" fill="${color}" fill-opacity="0.55"/>`);
    out.push(
      `<rect x="${lx + 16}" y="${ly - 5}" width="10" height="10" fill="${color}" stroke="black" transform="rotate(45 ${lx + 21} ${ly})"/>`,
    );
    out.push(`<text x="${lx + 32}" y="${ly + 4}">${esc(g.name)}</text>`);
  });
  const ny = 48 + 20 * groups.length + 10;
  out.push(`<text x="${width - 240}" y="${ny}" fill="#555">dots: one seed; diamonds: mean</text>`);
  if (o.note) out.push(`<text x="${width - 240}" y="${ny + 18}" fill="#555">${esc(o.note)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** Paired values: one category per column, one line per seed joining its values. */
export function pairedPlot(
  categories: { name: string; values: number[]; color?: string }[],
  o: { title: string; yLabel: string; seeds: number[]; width?: number; height?: number },
): string {
  const width = o.width ?? 760;
  const height = o.height ?? 460;
  const all = categories.flatMap((c) => c.values);
  const f = frame([-0.5, categories.length - 0.5], padded(all), {
    ...o,
    xLabel: '',
    width,
    height,
    xTicks: false,
  });
  const { px, py, out } = f;
  categories.forEach((c, i) =>
    out.push(
      `<text x="${px(i)}" y="${height - 34}" text-anchor="middle" font-size="11">${esc(c.name.length > 26 ? `${c.name.slice(0, 25)}…` : c.name)}</text>`,
    ),
  );
  o.seeds.forEach((seed, s) => {
    const d = categories.map((c, i) => `${i ? 'L' : 'M'}${px(i).toFixed(1)},${py(c.values[s]).toFixed(1)}`).join('');
    out.push(`<path d="${d}" fill="none" stroke="#999" stroke-width="1"><title>seed ${seed}</title></path>`);
  });
  categories.forEach((c, i) => {
    const color = c.color ?? palette[i % palette.length];
    for (const v of c.values)
      out.push(`<circle cx="${px(i).toFixed(1)}" cy="${py(v).toFixed(1)}" r="4" fill="${color}" fill-opacity="0.7"/>`);
    const m = c.values.reduce((a, b) => a + b, 0) / c.values.length;
    out.push(
      `<line x1="${px(i) - 18}" y1="${py(m).toFixed(1)}" x2="${px(i) + 18}" y2="${py(m).toFixed(1)}" stroke="black" stroke-width="2.5"/>`,
    );
    out.push(`<text x="${px(i) + 22}" y="${(py(m) + 4).toFixed(1)}" font-size="11">${m.toFixed(2)}</text>`);
    const ly = 48 + 20 * i;
    out.push(`<circle cx="${width - 234}" cy="${ly}" r="4" fill="${color}"/>`);
    out.push(`<text x="${width - 224}" y="${ly + 4}">${esc(c.name)}</text>`);
  });
  const ny = 48 + 20 * categories.length + 10;
  out.push(`<text x="${width - 240}" y="${ny}" fill="#555">grey lines join one seed;</text>`);
  out.push(`<text x="${width - 240}" y="${ny + 16}" fill="#555">black bars: mean over seeds</text>`);
  out.push('</svg>');
  return out.join('\n');
}
