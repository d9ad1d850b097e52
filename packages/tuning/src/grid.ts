/** Grid search configurations: the cartesian product of every hyperparameter's values. */
import { checkOptionNames, optionNames, ValueError } from '@backprop/core';
import { checkHyperValue, checkSearchSpace } from './check-space.js';
import { type Config, type HyperValue, isChoice, isDistribution, type SearchSpace } from './space.js';

/**
 * The most configurations a grid may have. Every configuration is built before the first trial
 * runs, and a grid this large could never be searched trial by trial anyway: random search with
 * a budget of trials is the way to cover so many combinations.
 */
export const MAX_GRID_CONFIGS = 1_000_000;

/** Options of {@link gridConfigs}. */
export interface GridOptions {
  /** Points taken from each distribution (evenly spaced; log-spaced for logUniform). Default 3. */
  pointsPerDistribution?: number;
}

/**
 * Every combination of the space's values, in order (the last hyperparameter varies fastest).
 * Lists and `choice` contribute their values, distributions `pointsPerDistribution` points,
 * constants themselves. Every value is checked first (a `ValueError` names the hyperparameter),
 * and a grid of more than {@link MAX_GRID_CONFIGS} configurations is refused before any is built.
 *
 * @example
 * ```ts
 * import { gridConfigs, logUniform } from '@backprop/tuning';
 *
 * console.log(gridConfigs({ layers: [1, 2], activation: ['relu', 'tanh'], epochs: 10 }));
 * // [{ layers: 1, activation: 'relu', epochs: 10 }, { layers: 1, activation: 'tanh', epochs: 10 },
 * //  { layers: 2, activation: 'relu', epochs: 10 }, { layers: 2, activation: 'tanh', epochs: 10 }]
 * console.log(gridConfigs({ lr: logUniform(1e-3, 1e-1) }).length); // 3: 0.001, ≈0.01, 0.1
 * ```
 */
export function gridConfigs(space: SearchSpace, options: GridOptions = {}): Config[] {
  checkOptionNames('gridConfigs', options, optionNames<GridOptions>({ pointsPerDistribution: true }));
  const { pointsPerDistribution = 3 } = options;
  if (!Number.isInteger(pointsPerDistribution) || pointsPerDistribution < 1) {
    throw new ValueError(`gridConfigs: pointsPerDistribution must be a positive integer, got ${pointsPerDistribution}`);
  }
  checkSearchSpace('gridConfigs', space);
  const axes = Object.entries(space).map(([name, h]): [string, readonly HyperValue[]] => {
    if (isChoice(h)) return [name, h.values];
    if (isDistribution(h)) {
      const points = h.grid(pointsPerDistribution);
      if (!Array.isArray(points) || points.length === 0)
        throw new ValueError(`gridConfigs: "${name}"'s distribution gave no grid points`);
      for (const p of points) checkHyperValue('gridConfigs', name, p, 'is a grid point of its distribution');
      return [name, points];
    }
    if (Array.isArray(h)) return [name, h];
    return [name, [h as HyperValue]];
  });
  const size = axes.reduce((n, [, values]) => n * values.length, 1);
  if (size > MAX_GRID_CONFIGS) {
    const factors = axes.map(([name, values]) => `${name} ${values.length}`).join(' × ');
    throw new ValueError(
      `gridConfigs: the grid has ${size.toExponential(2)} configurations (${factors}), more than ` +
        `${MAX_GRID_CONFIGS.toLocaleString('en-US')}; use fewer values or pointsPerDistribution, or randomSearch with a number of trials`,
    );
  }
  let configs: Config[] = [{}];
  for (const [name, values] of axes) configs = configs.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  return configs;
}
