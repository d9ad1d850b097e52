/** Shared measurement loop for systems that run in this process: first loss, adaptive timing, peak tensor bytes, RSS growth. */
import type { MlpMeasurement, RunContext } from './system.js';
import { timeRuns } from './timing.js';

/** A prepared in-process trainer. */
export interface Trainer {
  /** One training step on batch `index`; returns the loss, read back (so the work is finished). */
  step(index: number): number | Promise<number>;
  /** Peak bytes of the library's tensors over one extra step, where the library can tell. */
  peakBytes?(index: number): Promise<number | undefined>;
  /** Frees the model and optimizer state. */
  dispose(): void | Promise<void>;
  /** Footnotes for the report. */
  notes?: string[];
}

/** Builds the trainer with `create`, then measures it; RSS growth counts from before `create`. */
export async function measureTrainer(
  create: () => Promise<Trainer>,
  batches: number,
  { timing }: RunContext,
): Promise<MlpMeasurement> {
  const rss0 = process.memoryUsage.rss();
  let rssMax = rss0;
  const trainer = await create();
  try {
    const firstLoss = await trainer.step(0);
    let i = 1;
    const result = await timeRuns(
      () => trainer.step(i++ % batches),
      timing,
      () => {
        rssMax = Math.max(rssMax, process.memoryUsage.rss());
      },
    );
    const peakBytes = await trainer.peakBytes?.(i % batches);
    return { timing: result, firstLoss, peakBytes, rssDeltaBytes: rssMax - rss0, notes: trainer.notes ?? [] };
  } finally {
    await trainer.dispose();
  }
}
