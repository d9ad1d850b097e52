/** Progress lines of layer-wise training: `layer 2/3 epoch 4/10 recon 12.34`. */
import { formatValue, optionNames, ValueError } from '@backprop/core';
import { optionalBoolean, optionalFunction } from './validate.js';

/** Options every training function here takes for its progress lines. */
export interface ProgressOptions {
  /** No progress lines (default false). */
  silent?: boolean;
  /** Where lines go (default console.log). */
  log?: (line: string) => void;
  /** The layer's position in a stack, printed as `layer i/n` (set by the greedy functions). */
  layer?: { index: number; count: number };
}

/** Every option of {@link ProgressOptions}. */
export const PROGRESS_OPTIONS = optionNames<ProgressOptions>({ silent: true, log: true, layer: true });

/**
 * Checks `silent`, `log` and `layer` before any training, so a bad one is a ValueError instead of
 * a TypeError after the first epoch (or `silent: 'false'` silencing the lines).
 */
export function checkProgressOptions(op: string, options: ProgressOptions): void {
  optionalBoolean(op, 'silent', options.silent);
  optionalFunction(op, 'log', options.log, '(line: string) => void');
  const { layer } = options;
  if (layer === undefined) return;
  const { index, count } = (layer ?? {}) as Partial<NonNullable<ProgressOptions['layer']>>;
  if (!Number.isInteger(index) || !Number.isInteger(count) || !(index! >= 1 && index! <= count!))
    throw new ValueError(
      `${op}: layer must be { index, count } with integers 1 ≤ index ≤ count, got ${formatValue(layer)}`,
    );
}

/** One progress event: a finished epoch of one layer. */
export interface EpochRecord {
  /** 1-based layer index (1 when a single layer is trained on its own). */
  layer: number;
  /** 1-based epoch. */
  epoch: number;
  /** Mean reconstruction error (RBM, autoencoder) or training loss (supervised layer) of the epoch. */
  loss: number;
  /** Other numbers of the epoch (e.g. pseudo-likelihood, accuracy). */
  extra?: Record<string, number>;
  /** Seconds the epoch took. */
  seconds: number;
}

/** Formats and prints one epoch line unless silent. */
export function reportEpoch(record: EpochRecord, epochs: number, label: string, options: ProgressOptions): void {
  if (options.silent) return;
  const count = options.layer?.count ?? 1;
  const extra = Object.entries(record.extra ?? {})
    .map(([k, v]) => ` ${k} ${v.toFixed(4)}`)
    .join('');
  const line = `layer ${record.layer}/${count} epoch ${record.epoch}/${epochs} ${label} ${record.loss.toFixed(4)}${extra} ${record.seconds.toFixed(1)}s`;
  (options.log ?? console.log)(line);
}

/**
 * Ends an unsupervised epoch: its record (mean reconstruction error `lossSum / n`, seconds since
 * `start`) is appended to `records`, printed unless silent, and handed to `onEpoch`.
 */
export function endReconstructionEpoch(
  records: EpochRecord[],
  epoch: number,
  lossSum: number,
  n: number,
  start: number,
  epochs: number,
  options: ProgressOptions & { onEpoch?: (record: EpochRecord) => void },
): void {
  const record: EpochRecord = {
    layer: options.layer?.index ?? 1,
    epoch: epoch + 1,
    loss: lossSum / n,
    seconds: (performance.now() - start) / 1000,
  };
  records.push(record);
  reportEpoch(record, epochs, 'recon', options);
  options.onEpoch?.(record);
}
