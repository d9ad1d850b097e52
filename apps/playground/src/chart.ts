/** A small line chart on a canvas: one or more series over epochs, with axes labels. */

/** A named series of y values (x = index + 1) and its colour. */
export interface Series {
  label: string;
  color: string;
  values: number[];
}

/** Draws `series` into `canvas`, scaling y to [min, max] of the data (or [0, 1] when `unit`). */
export function drawChart(canvas: HTMLCanvasElement, series: Series[], { unit = false } = {}): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const { width: w, height: h } = canvas;
  const pad = 32;
  g.clearRect(0, 0, w, h);
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const lo = unit ? 0 : Math.min(0, ...all);
  const hi = unit ? 1 : Math.max(1e-9, ...all);
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const x = (i: number) => pad + ((w - 2 * pad) * i) / (n - 1);
  const y = (v: number) => h - pad - ((h - 2 * pad) * (v - lo)) / (hi - lo || 1);
  g.strokeStyle = '#99a';
  g.strokeRect(pad, pad, w - 2 * pad, h - 2 * pad);
  g.fillStyle = '#445';
  g.font = '11px sans-serif';
  g.fillText(hi.toPrecision(3), 2, pad + 4);
  g.fillText(lo.toPrecision(3), 2, h - pad);
  g.fillText(`epoch ${series[0]?.values.length ?? 0}`, w - pad - 50, h - 8);
  series.forEach((s, k) => {
    g.strokeStyle = s.color;
    g.lineWidth = 2;
    g.beginPath();
    s.values.forEach((v, i) => (i === 0 ? g.moveTo(x(i), y(v)) : g.lineTo(x(i), y(v))));
    g.stroke();
    g.fillStyle = s.color;
    g.fillText(s.label, pad + 8 + 70 * k, pad - 8);
  });
}
