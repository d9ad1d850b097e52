/** The progress display of `fit`: a live bar on terminals, one line per epoch elsewhere. */
import type { EpochLogs } from './callbacks.js';

interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function stderr(): Stream | undefined {
  return (globalThis as { process?: { stderr?: Stream } }).process?.stderr;
}

function format(logs: EpochLogs): string {
  return Object.entries(logs)
    .map(
      ([k, v]) => `${k} ${Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4)}`,
    )
    .join('  ');
}

/** Shows training progress: epoch, position, loss and samples per second. */
export class ProgressBar {
  private readonly out = stderr();
  private lastDraw = 0;

  constructor(
    private readonly epochs: number,
    private readonly samplesPerEpoch: number,
    private readonly log: (line: string) => void = (line) =>
      this.out ? this.out.write(`${line}\n`) : console.log(line),
  ) {}

  /** Redraws the bar (at most ~10 times a second) on a terminal. */
  update(epoch: number, seen: number, loss: number, samplesPerSecond: number): void {
    if (!this.out?.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && seen < this.samplesPerEpoch) return;
    this.lastDraw = now;
    const width = 24;
    const done = Math.round((width * seen) / Math.max(this.samplesPerEpoch, 1));
    const bar = `${'='.repeat(Math.max(done - 1, 0))}${done > 0 ? '>' : ''}${' '.repeat(width - done)}`;
    this.out.write(
      `\r\x1b[2Kepoch ${epoch + 1}/${this.epochs} [${bar}] ${seen}/${this.samplesPerEpoch}  loss ${loss.toFixed(4)}  ${Math.round(samplesPerSecond).toLocaleString('en-US')} samples/s`,
    );
  }

  /** Prints the epoch's summary line. */
  epochEnd(epoch: number, logs: EpochLogs, seconds: number, samplesPerSecond: number): void {
    if (this.out?.isTTY) this.out.write('\r\x1b[2K');
    this.log(
      `epoch ${epoch + 1}/${this.epochs}  ${format(logs)}  ${seconds.toFixed(1)}s  ${Math.round(samplesPerSecond).toLocaleString('en-US')} samples/s`,
    );
  }
}
