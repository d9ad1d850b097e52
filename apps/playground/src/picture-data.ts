/**
 * The numbers behind the picture view, computed where the model lives (the training worker):
 * class probabilities over the plane for 2-D data, the first layer's weights for MNIST.
 */
import { type Module, predict, softmax, tensor, tidy } from '@backprop/core';
import type { PlaygroundData } from './data.js';

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

/** Predicts every cell of a grid around the training data. */
export async function boundaryPicture(model: Module, data: PlaygroundData, cells = 60): Promise<BoundaryPicture> {
  const { train, test } = data;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < train.x.length; i += 2) {
    [x0, x1] = [Math.min(x0, train.x[i]), Math.max(x1, train.x[i])];
    [y0, y1] = [Math.min(y0, train.x[i + 1]), Math.max(y1, train.x[i + 1])];
  }
  const [mx, my] = [(x1 - x0) * 0.1, (y1 - y0) * 0.1];
  [x0, x1, y0, y1] = [x0 - mx, x1 + mx, y0 - my, y1 + my];
  const grid = new Float32Array(cells * cells * 2);
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      grid[2 * (r * cells + c)] = x0 + ((c + 0.5) / cells) * (x1 - x0);
      grid[2 * (r * cells + c) + 1] = y1 - ((r + 0.5) / cells) * (y1 - y0);
    }
  }
  const logits = await predict(model, tensor(grid, [cells * cells, 2]));
  const probs = tidy(() => softmax(logits));
  const p = Float32Array.from(await probs.data());
  logits.dispose();
  probs.dispose();
  return {
    kind: 'boundary',
    cells,
    classes: data.classes,
    bounds: [x0, x1, y0, y1],
    probs: p,
    testX: Float32Array.from(test.x),
    testY: Int32Array.from(test.y),
  };
}

/** Copies the first layer's weights out of the model. */
export async function weightsPicture(model: Module): Promise<WeightsPicture | undefined> {
  const w = model.parameters()[0]?.value;
  if (w === undefined || w.shape[0] !== 784) return undefined;
  return { kind: 'weights', values: Float32Array.from(await w.data()), units: w.shape[1] };
}
