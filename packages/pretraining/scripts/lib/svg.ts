/** A tiny SVG line-plot writer for the experiment's curves. */

/** One line of a plot. */
export interface Series {
  name: string;
  points: [number, number][];
  dashed?: boolean;
  color?: string;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** A line plot with axes, ticks, a legend and an optional log-scale y axis. */
export function linePlot(
  series: Series[],
  {
    title,
    xLabel,
    yLabel,
    logY = false,
    width = 640,
    height = 400,
  }: { title: string; xLabel: string; yLabel: string; logY?: boolean; width?: number; height?: number },
): string {
  const m = { l: 70, r: 170, t: 40, b: 50 };
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!logY || y > 0));
  const fy = (y: number) => (logY ? Math.log10(y) : y);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => fy(y));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (logY) [y0, y1] = [Math.floor(y0), Math.ceil(y1)];
  else [y0, y1] = [y0 - 0.05 * (y1 - y0 || 1), y1 + 0.05 * (y1 - y0 || 1)];
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (width - m.l - m.r);
  const py = (y: number) => height - m.b - ((fy(y) - y0) / (y1 - y0 || 1)) * (height - m.t - m.b);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${title}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${(width - m.r + m.l) / 2}" y="22" text-anchor="middle" font-size="14">${title}</text>`,
    `<line x1="${m.l}" y1="${height - m.b}" x2="${width - m.r}" y2="${height - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${height - m.b}" stroke="black"/>`,
    `<text x="${(width - m.r + m.l) / 2}" y="${height - 12}" text-anchor="middle">${xLabel}</text>`,
    `<text transform="translate(16 ${(height - m.b + m.t) / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const x = x0 + ((x1 - x0) * i) / 5;
    out.push(`<text x="${px(x)}" y="${height - m.b + 16}" text-anchor="middle">${+x.toPrecision(3)}</text>`);
  }
  const yTicks = logY
    ? Array.from({ length: y1 - y0 + 1 }, (_, i) => 10 ** (y0 + i))
    : Array.from({ length: 6 }, (_, i) => y0 + ((y1 - y0) * i) / 5);
  for (const y of yTicks) {
    out.push(`<line x1="${m.l - 4}" y1="${py(y)}" x2="${width - m.r}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(
      `<text x="${m.l - 6}" y="${py(y) + 4}" text-anchor="end">${logY ? y.toExponential(0) : +y.toPrecision(3)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const color = s.color ?? palette[i % palette.length];
    const pts = s.points.filter(([, y]) => Number.isFinite(y) && (!logY || y > 0));
    const d = pts.map(([x, y], j) => `${j ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join('');
    out.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    const ly = m.t + 18 * i;
    out.push(
      `<line x1="${width - m.r + 10}" y1="${ly}" x2="${width - m.r + 34}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(`<text x="${width - m.r + 40}" y="${ly + 4}">${s.name}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
