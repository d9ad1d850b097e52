/** The playground's datasets: seeded 2-D sets, and 2,000 MNIST digits fetched as one small binary file. */
import type { ArrayDataset } from '@backprop/core';
import { circles, moons, spirals, split, xor } from '@backprop/datasets';
import { expandFeatures, type FeatureName } from './network/features.js';
import type { Settings } from './settings.js';

/** A train / test pair with what the views need to know. */
export interface PlaygroundData {
  train: ArrayDataset;
  test: ArrayDataset;
  inputs: number;
  classes: number;
  /** True for 2-D sets (decision boundary view); false for images (weights view). */
  planar: boolean;
  /** For 2-D sets: the points as (x₁, x₂) before feature expansion, for the views' axes and grids. */
  plane?: { train: Float32Array; test: Float32Array };
  /** For 2-D sets: the chosen input features (the columns of `train.x` and `test.x`). */
  features?: FeatureName[];
}

async function mnistSubset(url: string): Promise<ArrayDataset> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const n = 2000;
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = bytes[i] / 255;
  return { x, xShape: [n, 784], y: Int32Array.from(bytes.subarray(n * 784)), yShape: [n] };
}

/** Replaces a 2-D set's columns by the chosen features. */
function expand(ds: ArrayDataset, features: FeatureName[]): ArrayDataset {
  return { ...ds, x: expandFeatures(ds.x, features), xShape: [ds.xShape[0], features.length] };
}

/**
 * Loads the set the settings name, split with a fixed seed (MNIST 80/20; the 2-D sets by the
 * train ratio, then expanded to the chosen features); `mnistUrl` locates the digits' file.
 */
export async function loadData(s: Settings, mnistUrl: string): Promise<PlaygroundData> {
  const seed = 1;
  if (s.data === 'mnist') {
    const { train, test } = split(await mnistSubset(mnistUrl), 0.2, seed);
    return { train, test, inputs: 784, classes: 10, planar: false };
  }
  const make = { xor, circles, moons, spirals }[s.data];
  const all = make({ n: 400, noise: s.noise, seed });
  const classes = Math.max(...all.y) + 1;
  const { train, test } = split(all, Math.round((1 - s.trainRatio) * 100) / 100, seed);
  const features = s.features.length > 0 ? s.features : (['x1', 'x2'] as FeatureName[]);
  return {
    train: expand(train, features),
    test: expand(test, features),
    inputs: features.length,
    classes,
    planar: true,
    plane: { train: Float32Array.from(train.x), test: Float32Array.from(test.x) },
    features,
  };
}
