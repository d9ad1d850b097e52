/** A dependency-free SVG line plot: one small panel per configuration with its training and validation loss curves. */

/** One configuration's curves. */
export interface Curves {
  name: string;
  train: number[];
  val: number[];
  /** Epoch whose weights were kept (early stopping), drawn as a marker. */
  best?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Small multiples: `series.length` panels sharing the axes; returns the SVG text. */
export function lossPlot(series: Curves[], { title = '', panelWidth = 230, panelHeight = 200 } = {}): string {
  const margin = { left: 46, right: 12, top: 40, bottom: 40 };
  const epochs = Math.max(...series.map((s) => s.train.length));
  const yMax = Math.ceil(Math.max(...series.flatMap((s) => [...s.train, ...s.val]).filter(Number.isFinite)) * 2) / 2;
  const width = series.length * (panelWidth + margin.left + margin.right);
  const height = panelHeight + margin.top + margin.bottom + 30;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  series.forEach((s, k) => {
    const x0 = k * (panelWidth + margin.left + margin.right) + margin.left;
    const y0 = margin.top;
    const sx = (e: number) => x0 + (e / Math.max(epochs - 1, 1)) * panelWidth;
    const sy = (v: number) => y0 + panelHeight - (Math.min(v, yMax) / yMax) * panelHeight;
    out.push(
      `<text x="${x0 + panelWidth / 2}" y="${y0 - 8}" text-anchor="middle" font-size="12">${esc(s.name)}</text>`,
    );
    out.push(`<rect x="${x0}" y="${y0}" width="${panelWidth}" height="${panelHeight}" fill="none" stroke="#999"/>`);
    for (let t = 0; t <= yMax + 1e-9; t += 0.5) {
      out.push(`<line x1="${x0}" x2="${x0 + panelWidth}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`);
      out.push(`<text x="${x0 - 4}" y="${sy(t) + 4}" text-anchor="end">${t.toFixed(1)}</text>`);
    }
    const step = epochs > 40 ? 20 : 10;
    for (let e = 0; e < epochs; e += step)
      out.push(`<text x="${sx(e)}" y="${y0 + panelHeight + 14}" text-anchor="middle">${e + 1}</text>`);
    out.push(`<text x="${x0 + panelWidth / 2}" y="${y0 + panelHeight + 30}" text-anchor="middle">epoch</text>`);
    for (const [values, color, dash] of [
      [s.train, '#1f77b4', '6 3'],
      [s.val, '#d62728', ''],
    ] as const) {
      const pts = values.map((v, e) => `${sx(e).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
      out.push(
        `<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="1.8"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      );
    }
    if (s.best !== undefined)
      out.push(`<circle cx="${sx(s.best)}" cy="${sy(s.val[s.best])}" r="4" fill="none" stroke="black"/>`);
  });
  const ly = height - 12;
  out.push(
    `<line x1="${margin.left}" x2="${margin.left + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="#1f77b4" stroke-width="2" stroke-dasharray="6 3"/>`,
  );
  out.push(`<text x="${margin.left + 30}" y="${ly}">training loss (evaluation mode, no penalty)</text>`);
  out.push(
    `<line x1="${margin.left + 290}" x2="${margin.left + 314}" y1="${ly - 4}" y2="${ly - 4}" stroke="#d62728" stroke-width="2"/>`,
  );
  out.push(`<text x="${margin.left + 320}" y="${ly}">validation loss</text>`);
  out.push(`<circle cx="${margin.left + 430}" cy="${ly - 4}" r="4" fill="none" stroke="black"/>`);
  out.push(`<text x="${margin.left + 440}" y="${ly}">weights restored by early stopping</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
