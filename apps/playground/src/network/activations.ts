/**
 * The numbers behind the network view, computed in the training worker: one forward pass over a
 * grid of the input plane that keeps every layer's activations (each neuron's output as a small
 * heat map), and every dense layer's weights (the edges).
 */
import { type Module, mul, nn, softmax, type Tensor, tensor, tidy } from '@backprop/core';
import type { PlaygroundData } from '../data.js';
import { planeBounds, planeGrid } from '../picture-data.js';
import { expandFeatures, type FeatureName } from './features.js';

/** The network view's data for one epoch. */
export interface NetworkPicture {
  kind: 'network';
  epoch: number;
  cells: number;
  /** [xmin, xmax, ymin, ymax] of the grid. */
  bounds: [number, number, number, number];
  features: FeatureName[];
  /** Units per layer: the input features, each hidden layer, the classes. */
  sizes: number[];
  /**
   * Per layer: its units' values on the grid, cells² × sizes[l] row-major (grid cell major, top
   * row first): the features for layer 0, the hidden activations, the class probabilities last.
   */
  activations: Float32Array[];
  /** Per dense layer l: W as sizes[l] × sizes[l + 1] row-major (W[i, j] joins unit i to unit j). */
  weights: Float32Array[];
  biases: Float32Array[];
}

/**
 * Runs the layers of a sequential MLP on `x` in evaluation mode and returns the input to each
 * dense layer after the first (the hidden activations, after dropout, which is off in evaluation)
 * and the softmax of the output.
 */
export function layerActivations(model: Module, x: Tensor): Tensor[] {
  const layers = (model as nn.Sequential).layers;
  const wasTraining = model.training;
  model.eval();
  try {
    return tidy(() => {
      const out: Tensor[] = [];
      let y = x;
      layers.forEach((layer, i) => {
        if (i > 0 && layer instanceof nn.Dense) out.push(y);
        y = layer.forward(y);
      });
      out.push(softmax(y));
      return out;
    });
  } finally {
    model.train(wasTraining);
  }
}

/** The model's dense layers, in order. */
export function denseLayers(model: Module): nn.Dense[] {
  return (model as nn.Sequential).layers.filter((l): l is nn.Dense => l instanceof nn.Dense);
}

/**
 * Evaluates every neuron on a cells × cells grid over the data's plane and copies the weights;
 * for a layer wider than `maxUnits` (not drawn), only the sizes.
 */
export async function networkPicture(
  model: Module,
  data: PlaygroundData,
  epoch: number,
  cells = 24,
  maxUnits = 32,
): Promise<NetworkPicture | undefined> {
  if (!data.plane || !data.features) return undefined;
  const bounds = planeBounds(data.plane.train);
  const dense = denseLayers(model);
  const sizes = [data.inputs, ...dense.map((d) => d.units)];
  const picture: NetworkPicture = {
    kind: 'network',
    epoch,
    cells,
    bounds,
    features: data.features,
    sizes,
    activations: [],
    weights: [],
    biases: [],
  };
  // Too wide to draw: only the sizes, so the page can say so.
  if (sizes.some((u) => u > maxUnits)) return picture;
  const inputs = expandFeatures(planeGrid(bounds, cells), data.features);
  const x = tensor(inputs, [cells * cells, data.inputs]);
  // Values are read synchronously after the forward pass: the training loop may step between awaits.
  const outs = layerActivations(model, x);
  // Copies, so an optimizer step during an asynchronous read (WebGPU) cannot free what is read.
  const weightTensors = tidy(() => dense.map((d) => mul(d.weight.value, 1)));
  const biasTensors = tidy(() => dense.map((d) => (d.bias ? mul(d.bias.value, 1) : undefined)));
  const read = async (t: Tensor | undefined) => (t ? Float32Array.from(await t.data()) : new Float32Array());
  try {
    const [activations, weights, biases] = await Promise.all([
      Promise.all(outs.map(read)),
      Promise.all(weightTensors.map(read)),
      Promise.all(biasTensors.map(read)),
    ]);
    return { ...picture, activations: [inputs, ...activations], weights, biases };
  } finally {
    x.dispose();
    for (const t of [...outs, ...weightTensors, ...biasTensors]) t?.dispose();
  }
}
