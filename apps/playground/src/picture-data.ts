/**
 * The numbers behind the picture view, computed where the model lives (the training worker):
 * class probabilities over the plane for 2-D data, the first layer's weights for MNIST.
 */
import { type Module, predict, softmax, tensor, tidy } from '@backprop/core';
import type { PlaygroundData } from './data.js';
import { expandFeatures } from './network/features.js';

/** Class probabilities on a cells × cells grid over `bounds`, and the test points to draw on top. */
export interface BoundaryPicture {
  kind: 'boundary';
  cells: number;
  classes: number;
  /** [xmin, xmax, ymin, ymax]. */
  bounds: [number, number, number, number];
  probs: Float32Array;
  testX: Float32Array;
  testY: Int32Array;
}

/** The first layer's weights, 784 × units, row-major. */
export interface WeightsPicture {
  kind: 'weights';
  values: Float32Array;
  units: number;
}

/** Either view's data. */
export type Picture = BoundaryPicture | WeightsPicture;

/** The bounds [xmin, xmax, ymin, ymax] of 2-D points (n × 2, row-major) with a 10% margin. */
export function planeBounds(xy: Float32Array): [number, number, number, number] {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < xy.length; i += 2) {
    [x0, x1] = [Math.min(x0, xy[i]), Math.max(x1, xy[i])];
    [y0, y1] = [Math.min(y0, xy[i + 1]), Math.max(y1, xy[i + 1])];
  }
  const [mx, my] = [(x1 - x0) * 0.1, (y1 - y0) * 0.1];
  return [x0 - mx, x1 + mx, y0 - my, y1 + my];
}

/** The centres of a cells × cells grid over `bounds` as (x₁, x₂) rows, top row first. */
export function planeGrid(bounds: [number, number, number, number], cells: number): Float32Array {
  const [x0, x1, y0, y1] = bounds;
  const grid = new Float32Array(cells * cells * 2);
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      grid[2 * (r * cells + c)] = x0 + ((c + 0.5) / cells) * (x1 - x0);
      grid[2 * (r * cells + c) + 1] = y1 - ((r + 0.5) / cells) * (y1 - y0);
    }
  }
  return grid;
}

/** Predicts every cell of a grid around the training data (expanded to the model's features). */
export async function boundaryPicture(model: Module, data: PlaygroundData, cells = 60): Promise<BoundaryPicture> {
  const plane = data.plane ?? { train: data.train.x as Float32Array, test: data.test.x as Float32Array };
  const bounds = planeBounds(plane.train);
  const grid = planeGrid(bounds, cells);
  const inputs = data.features ? expandFeatures(grid, data.features) : grid;
  const logits = await predict(model, tensor(inputs, [cells * cells, data.inputs]));
  const probs = tidy(() => softmax(logits));
  const p = Float32Array.from(await probs.data());
  logits.dispose();
  probs.dispose();
  return {
    kind: 'boundary',
    cells,
    classes: data.classes,
    bounds,
    probs: p,
    testX: Float32Array.from(plane.test),
    testY: Int32Array.from(data.test.y),
  };
}

/** Copies the first layer's weights out of the model. */
export async function weightsPicture(model: Module): Promise<WeightsPicture | undefined> {
  const w = model.parameters()[0]?.value;
  if (w === undefined || w.shape[0] !== 784) return undefined;
  return { kind: 'weights', values: Float32Array.from(await w.data()), units: w.shape[1] };
}
