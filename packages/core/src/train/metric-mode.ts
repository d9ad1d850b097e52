/** Whether a logged metric is better lower or higher, read from its name: one rule for early stopping, plateaus and searches. */
import { ValueError } from '../errors.js';
import { formatValue } from '../validate.js';

/** Logged values where lower is better: the loss and the error metrics. */
const LOWER_IS_BETTER: readonly string[] = ['loss', 'mse', 'mae'];

/** Logged values where higher is better: the built-in scores, and `auc` (Keras' name) for a metric of your own. */
const HIGHER_IS_BETTER: readonly string[] = [
  'accuracy',
  'binaryAccuracy',
  'logitAccuracy',
  'r2',
  'precision',
  'recall',
  'f1',
  'auc',
];

/** `name` without a leading `prefix` + capital (`valR2` → `r2`), as `fit` and searches prefix a metric's name. */
function strip(name: string, prefix: string): string {
  const next = name[prefix.length];
  return name.startsWith(prefix) && next !== undefined && next !== next.toLowerCase()
    ? next.toLowerCase() + name.slice(prefix.length + 1)
    : name;
}

/**
 * `'min'` when lower is better for a logged metric, `'max'` when higher is, or `undefined` when the
 * name does not say. It knows the loss, `mse` and `mae` (min) and `accuracy`, `binaryAccuracy`,
 * `logitAccuracy`, `top5Accuracy` (any k), `r2`, `precision`, `recall`, `f1` and `auc` (max), each
 * also as `fit` logs it on validation data (`valR2`) and as a search reports its best epoch
 * (`bestValR2`); and any other name containing "acc" is max (Keras 2's rule, for metrics of your
 * own named like `'acc@0.7'`).
 *
 * @example
 * ```ts
 * import { metricMode } from '@backprop/core';
 *
 * console.log(metricMode('valLoss'), metricMode('valR2'), metricMode('valRmse')); // 'min' 'max' undefined
 * ```
 */
export function metricMode(name: string): 'min' | 'max' | undefined {
  if (typeof name !== 'string') return undefined;
  const base = strip(strip(name, 'best'), 'val');
  if (LOWER_IS_BETTER.includes(base)) return 'min';
  if (HIGHER_IS_BETTER.includes(base) || /^top\d+Accuracy$/.test(base)) return 'max';
  if (/acc/i.test(name)) return 'max';
  return undefined;
}

/**
 * A mode given as `'min'`, `'max'` or `'auto'`, resolved for `metric`: `'auto'` is
 * {@link metricMode}, and a name it cannot place is a ValueError naming `op` and asking for the
 * mode, as Keras 3 raises, rather than a guess: minimizing an R² or an F1 would keep its worst epoch.
 *
 * @example
 * ```ts
 * import { resolveMetricMode } from '@backprop/core';
 *
 * console.log(resolveMetricMode('earlyStopping', 'valF1')); // 'max'
 * console.log(resolveMetricMode('earlyStopping', 'valRmse', 'min')); // 'min'
 * resolveMetricMode('earlyStopping', 'valRmse'); // ValueError: … pass mode: 'min' … or mode: 'max' …
 * ```
 */
export function resolveMetricMode(op: string, metric: string, mode: unknown = 'auto'): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new ValueError(`${op}: mode must be 'auto', 'min' or 'max', got ${formatValue(mode)}`);
  if (typeof metric !== 'string' || metric === '')
    throw new ValueError(`${op}: the monitored metric must be a name such as 'valLoss', got ${formatValue(metric)}`);
  const found = metricMode(metric);
  if (found) return found;
  throw new ValueError(
    `${op}: mode 'auto' cannot tell whether "${metric}" is better lower or higher; pass mode: 'min' (lower is better, like a loss) or mode: 'max' (higher is better, like an accuracy). 'auto' knows ${LOWER_IS_BETTER.join(', ')} (min) and ${HIGHER_IS_BETTER.join(', ')}, topKAccuracy and names containing "acc" (max), each also val-prefixed (valLoss)`,
  );
}
