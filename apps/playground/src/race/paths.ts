/**
 * A racer's path: its @backprop/optimizers instance stepping a 2-element Parameter θ = (x, y)
 * with core's gradient of the surface. A {@link PathRunner} advances a few steps at a time, so
 * the page can compute between frames and draw the race as it is run.
 */
import { type Optimizer, Parameter, slice, type Tensor, tensor, tidy, valueAndGrad } from '@backprop/core';
import { buildOptimizer, type Racer, type RacerOptions } from './racers.js';
import type { Surface } from './surfaces.js';

/** f(θ) for a 2-element θ. */
export const lossAt =
  (s: Surface) =>
  (theta: Tensor): Tensor =>
    s.f(slice(theta, [0], [1]), slice(theta, [1], [1]));

/** Steps one optimizer from `start`, recording θ₀ … θ_N as x, y pairs in `xy`. */
export class PathRunner {
  /** θ_t at [2t, 2t + 1]. */
  readonly xy: Float64Array;
  /** Steps taken so far. */
  t = 0;
  private readonly theta: Parameter;
  private readonly opt: Optimizer;
  private readonly f: (theta: Tensor) => { grads: Tensor[] };

  constructor(
    private readonly surface: Surface,
    racer: Racer,
    options: RacerOptions,
    start: [number, number],
    readonly steps: number,
  ) {
    this.theta = new Parameter('θ', tensor(start));
    this.opt = buildOptimizer(racer, options);
    this.f = valueAndGrad(lossAt(surface));
    this.xy = new Float64Array(2 * (steps + 1));
    this.record();
  }

  get done(): boolean {
    return this.t >= this.steps;
  }

  /** Takes one step (none once done). */
  step(): void {
    if (this.done) return;
    tidy(() => {
      this.opt.beforeGradient?.([this.theta]); // the lecture's Nesterov takes the gradient at its look-ahead point
      this.opt.step([this.theta], this.f(this.theta.value).grads);
    });
    this.t++;
    this.record();
  }

  /** f(θ_t). */
  loss(): number {
    return tidy(() => lossAt(this.surface)(this.theta.value).dataSync()[0]);
  }

  /** Frees θ and the optimizer's state. */
  dispose(): void {
    this.opt.dispose();
    this.theta.dispose();
  }

  private record(): void {
    const [x, y] = this.theta.value.dataSync();
    this.xy[2 * this.t] = x;
    this.xy[2 * this.t + 1] = y;
  }
}
