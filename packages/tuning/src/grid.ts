/** Grid search configurations: the cartesian product of every hyperparameter's values. */
import { checkOptionNames, optionNames, ValueError } from '@backprop/core';
import { type Config, type HyperValue, isChoice, isDistribution, type SearchSpace } from './space.js';

/** Options of {@link gridConfigs}. */
export interface GridOptions {
  /** Points taken from each distribution (evenly spaced; log-spaced for logUniform). Default 3. */
  pointsPerDistribution?: number;
}

/**
 * Every combination of the space's values, in order (the last hyperparameter varies fastest).
 * Lists and `choice` contribute their values, distributions `pointsPerDistribution` points,
 * constants themselves.
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
  const axes = Object.entries(space).map(([name, h]): [string, readonly HyperValue[]] => {
    if (isChoice(h)) return [name, h.values];
    if (isDistribution(h)) return [name, h.grid(pointsPerDistribution)];
    if (Array.isArray(h)) {
      if (h.length === 0) throw new ValueError(`gridConfigs: "${name}" has no values`);
      return [name, h];
    }
    return [name, [h as HyperValue]];
  });
  let configs: Config[] = [{}];
  for (const [name, values] of axes) configs = configs.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  return configs;
}
