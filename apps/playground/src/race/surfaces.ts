/**
 * The 2-D loss surfaces of the optimizer race, written once with core's ops over tensors x and y
 * of any shape: the same function gives the gradient at a point and the heat map on a grid.
 */
import { add, mul, square, sub, type Tensor } from '@backprop/core';

/** A loss surface with its view box, start point and each optimizer's default learning rate. */
export interface Surface {
  label: string;
  formula: string;
  /** f(x, y), elementwise. */
  f: (x: Tensor, y: Tensor) => Tensor;
  /** The view: [xmin, xmax] × [ymin, ymax]. */
  x: [number, number];
  y: [number, number];
  start: [number, number];
  /** The minimum, marked on the map (none for surfaces unbounded below). */
  minimum?: [number, number];
  /** Default learning rates by racer key. */
  lr: Record<string, number>;
}

const cube = (t: Tensor) => mul(mul(t, t), t);

/** The surfaces by key (the key goes in the URL). */
export const SURFACES: Record<string, Surface> = {
  quadratic: {
    label: 'ill-conditioned quadratic',
    formula: 'f = 0.05·x² + 2·y²',
    f: (x, y) => add(mul(square(x), 0.05), mul(square(y), 2)),
    x: [-5, 5],
    y: [-2.5, 2.5],
    start: [-4.5, 1.5],
    minimum: [0, 0],
    lr: {
      sgd: 0.2,
      momentum: 0.05,
      nesterovTorch: 0.05,
      lecture: 0.4,
      nesterov: 0.4,
      adagrad: 0.5,
      rmsprop: 0.05,
      adam: 0.1,
    },
  },
  rosenbrock: {
    label: 'Rosenbrock',
    formula: 'f = (1 − x)² + 100·(y − x²)²',
    f: (x, y) => add(square(sub(1, x)), mul(square(sub(y, square(x))), 100)),
    x: [-2, 2],
    y: [-1, 3],
    start: [-1.5, 2],
    minimum: [1, 1],
    lr: {
      sgd: 0.0008,
      momentum: 0.0002,
      nesterovTorch: 0.0002,
      lecture: 0.002,
      nesterov: 0.002,
      adagrad: 0.3,
      rmsprop: 0.01,
      adam: 0.05,
    },
  },
  saddle: {
    label: 'saddle',
    formula: 'f = x² − y² + y⁴/4',
    f: (x, y) => add(sub(square(x), square(y)), mul(square(square(y)), 0.25)),
    x: [-2.5, 2.5],
    y: [-2.5, 2.5],
    start: [-2, 0.01],
    minimum: [0, Math.SQRT2],
    lr: {
      sgd: 0.05,
      momentum: 0.01,
      nesterovTorch: 0.01,
      lecture: 0.1,
      nesterov: 0.1,
      adagrad: 0.3,
      rmsprop: 0.02,
      adam: 0.05,
    },
  },
  beale: {
    label: 'Beale',
    formula: 'f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²',
    f: (x, y) =>
      add(
        add(square(add(sub(1.5, x), mul(x, y))), square(add(sub(2.25, x), mul(x, square(y))))),
        square(add(sub(2.625, x), mul(x, cube(y)))),
      ),
    x: [-4.5, 4.5],
    y: [-4.5, 4.5],
    start: [1, 1.5],
    minimum: [3, 0.5],
    lr: {
      sgd: 0.005,
      momentum: 0.001,
      nesterovTorch: 0.001,
      lecture: 0.01,
      nesterov: 0.01,
      adagrad: 0.5,
      rmsprop: 0.02,
      adam: 0.05,
    },
  },
};
