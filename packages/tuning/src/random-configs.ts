/** Random search configurations: independent draws from the space, reproducible from a seed. */
import { formatValue, keyFromSeed, philoxUniform, seedOf, ValueError } from '@backprop/core';
import { checkHyperValue, checkSearchSpace } from './check-space.js';
import { type Config, isChoice, isDistribution, type SearchSpace } from './space.js';

/**
 * `count` configurations drawn from `space` with the Philox stream of `seed`: trial i always
 * gets the same configuration, so a resumed search continues with the configurations it would
 * have drawn. Lists and `choice` are sampled uniformly; constants are copied. A `count` that is not
 * a non-negative integer, or a `seed` that is not a non-negative safe integer (`-1`, `1.5`), is a
 * ValueError naming `randomConfigs`, as the searches refuse them.
 *
 * @example
 * ```ts
 * import { choice, configKey, logUniform, randomConfigs } from '@backprop/tuning';
 *
 * const space = { lr: logUniform(1e-4, 1e-1), units: choice([16, 32, 64]), epochs: 10 };
 * const configs = randomConfigs(space, 5, 42); // 5 configurations, each with lr, units and epochs: 10
 * const again = randomConfigs(space, 5, 42);
 * console.log(configKey(configs[3]) === configKey(again[3])); // true: the same seed draws the same
 * ```
 */
export function randomConfigs(space: SearchSpace, count: number, seed = 0): Config[] {
  if (!Number.isInteger(count) || count < 0)
    throw new ValueError(`randomConfigs: count must be a non-negative integer, got ${formatValue(count)}`);
  seedOf('randomConfigs', seed);
  checkSearchSpace('randomConfigs', space);
  const names = Object.keys(space);
  const u = philoxUniform(keyFromSeed(seed), 0, count * Math.max(names.length, 1));
  return Array.from({ length: count }, (_, i) => {
    const config: Config = {};
    names.forEach((name, j) => {
      const h = space[name];
      const r = u[i * names.length + j];
      if (isDistribution(h)) {
        config[name] = h.sample(r);
        checkHyperValue('randomConfigs', name, config[name], 'drawn from its distribution');
      } else if (isChoice(h) || Array.isArray(h)) {
        const values = isChoice(h) ? h.values : (h as readonly (number | string | boolean)[]);
        config[name] = values[Math.min(values.length - 1, Math.floor(r * values.length))];
      } else config[name] = h as number | string | boolean;
    });
    return config;
  });
}
