/**
 * The progress display of `fit`, in Keras' style: per epoch, the step, a bar, elapsed time and
 * ETA while it runs, then time per step, the loss, every metric (`val`-prefixed for validation)
 * and the learning rate. Redrawn in place on terminals; one line per epoch elsewhere (CI logs).
 */

/** Where the live line is drawn: a stream such as `process.stderr`. */
export interface ProgressStream {
  write(s: string): unknown;
  /** Redraw in place (carriage return) only when true. */
  isTTY?: boolean;
  /** The terminal's width: a live line is cut to fit it, so the carriage return can redraw it. */
  columns?: number;
}

/** Options of {@link ProgressBar}. */
export interface ProgressOptions {
  /** Epochs in the run. */
  epochs: number;
  /** Steps (minibatches) per epoch. */
  steps: number;
  /** Receives each finished line: epoch lines and messages (default: the stream, or `console.log`). */
  log?: (line: string) => void;
  /** The stream of the live line (default `process.stderr`; none in browsers). */
  stream?: ProgressStream;
  /** A clock in milliseconds (default `performance.now`); inject one to test the output. */
  now?: () => number;
  /** Least milliseconds between redraws of the live line (default 100). */
  interval?: number;
}

function stderr(): ProgressStream | undefined {
  return (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr;
}

/** Values to show: the loss, metrics and learning rate by name. */
type Logs = Readonly<Record<string, number | undefined>>;

/** A log value as Keras prints it: 4 decimals, or 4 significant digits in exponent form when tiny or huge. */
export function formatLogValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
}

/** A duration as Keras prints it: `7s`, `2:05`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const s = Math.max(Math.round(ms / 1000), 0);
  if (s < 60) return `${s}s`;
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

/** Time per step: `1.2s/step`, `98ms/step` or `350us/step`. */
export function formatStepTime(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)}s/step`;
  if (ms >= 1) return `${Math.round(ms)}ms/step`;
  return `${Math.round(ms * 1000)}us/step`;
}

/** `loss: 0.6931 - accuracy: 0.5000 - … - lr: 0.0100`: every log, the learning rate last. */
export function formatLogs(logs: Logs): string {
  const entries = Object.entries(logs).filter((e): e is [string, number] => typeof e[1] === 'number');
  const ordered = [...entries.filter(([k]) => k !== 'lr'), ...entries.filter(([k]) => k === 'lr')];
  return ordered.map(([k, v]) => `${k}: ${formatLogValue(v)}`).join(' - ');
}

const WIDTH = 30;

/** `[=========>....................]` for `step` of `steps`. */
function bar(step: number, steps: number): string {
  const done = Math.min(Math.floor((WIDTH * step) / Math.max(steps, 1)), WIDTH);
  const head = done > 0 && done < WIDTH ? `${'='.repeat(done - 1)}>` : '='.repeat(done);
  return `[${head}${'.'.repeat(WIDTH - done)}]`;
}

/**
 * Shows training progress as Keras does. On a terminal the epoch's line is redrawn in place:
 * `Epoch 2/10  12/40 [=======>......] - 1s - ETA: 3s - loss: 0.6931 - accuracy: 0.5000 - lr: 0.0100`;
 * when the epoch ends it becomes `Epoch 2/10  40/40 [==========] - 4s 98ms/step - loss: … - valLoss: …`.
 * Elsewhere (a file, CI) only that last line is written, without the bar.
 *
 * @example
 * ```ts
 * import { ProgressBar } from '@backprop/core';
 *
 * const bar = new ProgressBar({ epochs: 2, steps: 10, log: console.log });
 * bar.epochBegin(0); // epochs count from 0
 * for (let step = 1; step <= 10; step++) bar.update(step, { loss: 1 / step });
 * bar.epochEnd({ loss: 0.1 }); // Epoch 1/2  10/10 - … - loss: 0.1000
 * ```
 */
export class ProgressBar {
  private readonly epochs: number;
  private readonly steps: number;
  private readonly stream: ProgressStream | undefined;
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  private readonly interval: number;
  private epoch = 0;
  private startStep = 0;
  private start = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor({
    epochs,
    steps,
    log,
    stream = stderr(),
    now = () => performance.now(),
    interval = 100,
  }: ProgressOptions) {
    this.epochs = epochs;
    this.steps = steps;
    this.stream = stream;
    this.log = log ?? ((line) => (stream ? stream.write(`${line}\n`) : console.log(line)));
    this.now = now;
    this.interval = interval;
  }

  private get live(): boolean {
    return this.stream?.isTTY === true;
  }

  private head(step: number): string {
    const n = String(this.steps);
    return `Epoch ${this.epoch + 1}/${this.epochs}  ${String(step).padStart(n.length)}/${n}`;
  }

  /** Starts the clock of epoch `epoch` (from 0), at step `step` when a resumed epoch is part done. */
  epochBegin(epoch: number, step = 0): void {
    this.epoch = epoch;
    this.startStep = step;
    this.start = this.now();
    this.lastDraw = Number.NEGATIVE_INFINITY;
  }

  /**
   * Redraws the live line after `step` steps with the running `logs` (terminals only, at most
   * every `interval` ms); `logs` may be a function, called only when the line is drawn.
   */
  update(step: number, logs: Logs | (() => Logs)): void {
    if (!this.live) return;
    const t = this.now();
    if (t - this.lastDraw < this.interval && step < this.steps) return;
    this.lastDraw = t;
    const elapsed = t - this.start;
    const ran = step - this.startStep;
    const eta = ran > 0 ? ` - ETA: ${formatDuration((elapsed / ran) * (this.steps - step))}` : '';
    const metrics = formatLogs(typeof logs === 'function' ? logs() : logs);
    let line = `${this.head(step)} ${bar(step, this.steps)} - ${formatDuration(elapsed)}${eta}${metrics ? ` - ${metrics}` : ''}`;
    const columns = this.stream?.columns;
    if (columns && line.length >= columns) line = line.slice(0, Math.max(columns - 1, 0));
    this.stream?.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  /** Prints the epoch's line — steps, time, time per step and every log — and returns the epoch's seconds. */
  epochEnd(logs: Logs): number {
    const elapsed = this.now() - this.start;
    const perStep = elapsed / Math.max(this.steps - this.startStep, 1);
    const metrics = formatLogs(logs);
    this.clear();
    this.log(
      `${this.head(this.steps)}${this.live ? ` ${bar(this.steps, this.steps)}` : ''} - ${formatDuration(elapsed)} ${formatStepTime(perStep)}${metrics ? ` - ${metrics}` : ''}`,
    );
    return elapsed / 1000;
  }

  /** Prints a message on its own line (a callback's, a stop, a learning-rate change). */
  message(line: string): void {
    this.clear();
    this.log(line);
    this.lastDraw = Number.NEGATIVE_INFINITY;
  }

  private clear(): void {
    if (this.drawn) this.stream?.write('\r\x1b[2K');
    this.drawn = false;
  }
}
