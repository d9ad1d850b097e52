/** The experiment's pictures: filters, RBM samples, reconstruction-error curves, per-layer gradient magnitudes. */
import { writeFileSync } from 'node:fs';
import { type ArrayDataset, takeRows, tensor } from '@backprop/core';
import { type GradientRecord, gibbsSample, philoxSampler, type RBM } from '@backprop/pretraining';
import { encodePng, tileGrid } from './png.js';
import { linePlot } from './svg.js';

/** What one seed-0 run collects for the pictures. */
export interface Pictures {
  /** First-layer weights [784, H] after fine-tuning, by row name. */
  filters: Record<string, Float32Array>;
  /** First RBM's weights before fine-tuning. */
  pretrainedFilters?: Float32Array;
  gradients: Record<string, GradientRecord[]>;
  /** Per-batch reconstruction errors of the DBN ('dbn') and autoencoder ('ae') pretraining, layers in sequence. */
  recon: Record<string, number[]>;
  rbm?: RBM;
}

function columns(w: Float32Array, units: number, count: number): Float32Array[] {
  return Array.from({ length: count }, (_, j) => Float32Array.from({ length: 784 }, (_, i) => w[i * units + j]));
}

function png(file: URL, images: Float32Array[], cols: number, perTile: boolean) {
  const g = tileGrid(images, { w: 28, h: 28, cols, scale: 2, perTile });
  writeFileSync(file, encodePng(g.pixels, g.width, g.height));
}

function smooth(xs: number[], k = 25): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + k <= xs.length; i += k) out.push([i + k, xs.slice(i, i + k).reduce((a, b) => a + b, 0) / k]);
  return out;
}

/** Writes `<name>-*.png|svg` into `dir`. */
export async function drawPictures(
  name: string,
  pics: Pictures,
  test: ArrayDataset,
  dir: URL,
  units: number,
): Promise<void> {
  for (const [row, w] of Object.entries(pics.filters))
    png(
      new URL(`${name}-filters-${row.startsWith('DBN') ? 'dbn-finetuned' : 'no-pretraining'}.png`, dir),
      columns(w, units, 100),
      10,
      true,
    );
  if (pics.pretrainedFilters)
    png(new URL(`${name}-filters-rbm1.png`, dir), columns(pics.pretrainedFilters, units, 100), 10, true);
  if (pics.rbm) {
    const start = takeRows(
      test,
      Int32Array.from({ length: 10 }, (_, i) => i * 7),
    );
    const rows: Float32Array[] = [];
    for (let i = 0; i < 10; i++) rows.push(start.x.slice(i * 784, (i + 1) * 784));
    let v = tensor(start.x, [10, 784], 'float32');
    const sampler = philoxSampler(3);
    let done = 0;
    for (const steps of [1, 10, 100, 1000]) {
      const m = gibbsSample(pics.rbm, v, { steps: steps - done, sampler });
      done = steps;
      const data = m.dataSync() as Float32Array;
      for (let i = 0; i < 10; i++) rows.push(data.slice(i * 784, (i + 1) * 784));
      v.dispose();
      v = m;
    }
    v.dispose();
    png(new URL(`${name}-rbm-samples.png`, dir), rows, 10, false);
    pics.rbm.dispose();
  }
  const curves = Object.entries(pics.recon).map(([k, xs]) => ({
    name: k === 'dbn' ? 'RBM stack (sq. error)' : 'autoencoders (cross-entropy)',
    points: smooth(xs),
  }));
  for (const c of curves) {
    writeFileSync(
      new URL(`${name}-recon-${c.name.startsWith('RBM') ? 'dbn' : 'ae'}.svg`, dir),
      linePlot([c], {
        title: `${name}: reconstruction error, layers 1→3 in sequence`,
        xLabel: 'minibatch',
        yLabel: 'error per example (mean of 25 batches)',
      }),
    );
  }
  const series = Object.entries(pics.gradients).flatMap(([row, recs]) =>
    recs[0].layers.map((_, l) => ({
      name: `${row.startsWith('DBN') ? 'DBN' : 'no pretrain'} W${l + 1}`,
      dashed: !row.startsWith('DBN'),
      color: ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e'][l],
      points: recs.map((rec) => [rec.step, rec.layers[l].meanAbs] as [number, number]),
    })),
  );
  writeFileSync(
    new URL(`${name}-gradients.svg`, dir),
    linePlot(series, {
      title: `${name}: mean |∂J/∂W| per layer, early fine-tuning`,
      xLabel: 'minibatch',
      yLabel: 'mean |gradient|',
      logY: true,
    }),
  );
}
