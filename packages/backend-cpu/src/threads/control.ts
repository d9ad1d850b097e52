/** Layout of the shared control block through which the calling thread hands kernel jobs to workers. */

/** Index of the generation counter; bumping it (and notifying) starts a round of jobs. */
export const GENERATION = 0;
/** Index of the count of workers that finished the current round. */
export const DONE = 1;
/** Index of the count of workers that are instantiated and waiting. */
export const READY = 2;
/** Index of the exit flag; set before the last notify, the workers return. */
export const EXIT = 3;
/** Index of how long idle workers poll for the next job before sleeping, in microseconds. */
export const SPIN_US = 4;
/** Int32 slots per worker: [function id (0 = none, −1 = failed), up to 15 i32 arguments]. */
export const SLOT = 16;
/** Index of worker w's slot. */
export const slotOf = (w: number): number => 5 + w * SLOT;
/**
 * Index of worker w's claim word for the current round: whichever of the worker and the calling
 * thread takes the job first (compare-exchange from {@link CLAIM_OPEN}) runs it.
 */
export const claimOf = (w: number): number => slotOf(SLOT) + w;
/** A job no thread has taken yet. */
export const CLAIM_OPEN = 0;
/** A job its worker took. */
export const CLAIM_WORKER = 1;
/** A job the calling thread took, because its worker had not started it. */
export const CLAIM_CALLER = 2;
/**
 * Polling threads read the clock once every this many checks of the control block. In Node 20 each
 * `performance.now()` allocates, and a loop calling it on every check filled V8's young generation
 * about 300 times a second (59 scavenges in 200 ms of polling, 2 when it reads the clock every 256th
 * check); each scavenge wakes V8's helper threads, which then take a core from the kernels. 256
 * checks take about a microsecond, so polling still ends within a microsecond of its deadline.
 */
export const CLOCK_EVERY = 256;

/**
 * Polls while `busy()` holds, for at most `ms` milliseconds (not at all when `ms` ≤ 0), reading the
 * clock every `every` checks: how the calling thread waits for its workers and how a worker waits
 * for its next job. Self-contained, so the worker source includes its text.
 */
export function pollWhile(busy: () => boolean, ms: number, every: number): void {
  if (!(ms > 0)) return;
  const until = performance.now() + ms;
  for (let i = 1; busy(); i++) if (i % every === 0 && performance.now() >= until) return;
}
/** Int32 words of the control block: the header, a slot and a claim word per worker (at most SLOT workers). */
export const CONTROL_WORDS = claimOf(SLOT);
/** Names of the exports a job can call; a job's function id is its index here plus one. */
export const JOB_FUNCTIONS = [
  'gemm',
  'binary',
  'binaryRows',
  'unary',
  'unaryMath',
  'compare',
  'select',
  'sumRows',
  'sumColumns',
  'maxRows',
  'minRows',
  'softmaxRows',
  'crossEntropyRows',
  'crossEntropyGradRows',
  'gatherRows',
  'castValues',
  'argRows',
  'scatterAddRows',
  'sgdStep',
  'adamStep',
  'rmspropStep',
] as const;
/** A function a job can call. */
export type JobFunction = (typeof JOB_FUNCTIONS)[number];
