/**
 * Layout of the shared control block through which the calling thread hands kernel jobs to workers.
 * A round posts up to {@link MAX_JOBS} jobs, a run of consecutive jobs for each thread (its share).
 * Every thread, the calling one included, runs its own share first, then takes the jobs other
 * threads have not started, from the end of the list backwards, until none is left: a worker
 * woken late still takes part of its share instead of leaving all of it to the others, and when
 * every thread is on time each runs the same part of the kernel in every round, as a static split
 * would (its caches still hold that part from the last round).
 */

/**
 * Index of the round counter; storing the next round (and notifying) starts a round. Rounds count
 * in [0, {@link ROUND_MASK}], so an open claim word (which holds its round) is never negative.
 */
export const GENERATION = 0;
/** Index of the count of the round's jobs finished, by any thread. */
export const DONE = 1;
/** Index of the count of workers that are instantiated and waiting. */
export const READY = 2;
/** Index of the exit flag; set before the last notify, the workers return. */
export const EXIT = 3;
/** Index of how long idle workers poll for the next job before sleeping, in microseconds. */
export const SPIN_US = 4;
/** Index of the number of jobs in the current round. */
export const COUNT = 5;
/** Index of the number of jobs in each thread's share (thread r's share starts at job r·SHARE). */
export const SHARE = 6;
/** Rounds wrap within [0, ROUND_MASK]. */
export const ROUND_MASK = 0x3fffffff;
/** Most jobs one round can hold. */
export const MAX_JOBS = 64;
/** Most workers a pool can have. */
export const MAX_WORKERS = 16;
/** Int32 slots per job: [function id (−1 once it failed), up to 15 i32 arguments]. */
export const SLOT = 16;
/** Index of job j's slot. */
export const slotOf = (j: number): number => 7 + j * SLOT;
/**
 * Index of job j's claim word. It holds a mark (negative) except while its job is open: opening a
 * round stores the round in it, and the thread that first swaps it from the round to its own mark
 * ({@link CLAIM_CALLER}, or {@link workerMark}) runs the job. A thread that woke late and still
 * looks for an earlier round's jobs finds none, even in claim words the new round does not use.
 */
export const claimOf = (j: number): number => slotOf(MAX_JOBS) + j;
/** The mark of a job the calling thread took. */
export const CLAIM_CALLER = -1;
/** The mark of a job worker w took (the calling thread is rank 0, worker w rank w + 1). */
export const workerMark = (w: number): number => -2 - w;
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
/** Where takeJobs finds a round's jobs (indices into the control block), passed as data so its text runs in workers. */
export const JOB_LAYOUT = {
  count: COUNT,
  share: SHARE,
  done: DONE,
  slots: slotOf(0),
  slot: SLOT,
  claims: claimOf(0),
} as const;

/**
 * Runs the round's jobs that no other thread has taken, for the thread of rank `rank` (0 for the
 * calling thread): first its own share, in order, then the rest from the last job backwards. Each
 * job is taken by swapping its claim word from `round` to `mark`, and run with `run(slot)` (the
 * index of its slot). Counts each finished job in DONE; the thread that finishes the round's last
 * job wakes the calling thread. Returns how many jobs of other threads' shares this thread ran.
 * Self-contained, so the worker source includes its text.
 */
export function takeJobs(
  ctl: Int32Array,
  layout: typeof JOB_LAYOUT,
  round: number,
  rank: number,
  mark: number,
  run: (slot: number) => void,
): number {
  const count = Atomics.load(ctl, layout.count);
  const share = Atomics.load(ctl, layout.share);
  const home = Math.min(count, rank * share);
  const own = Math.min(count, home + share) - home;
  const after = count - home - own;
  let helped = 0;
  for (let i = 0; i < count; i++) {
    // Own share forwards, then the others backwards: a late owner and a thread helping it meet in its share.
    const k = i - own;
    const j = k < 0 ? home + i : k < after ? count - 1 - k : home - 1 - (k - after);
    const claim = layout.claims + j;
    if (Atomics.load(ctl, claim) !== round || Atomics.compareExchange(ctl, claim, round, mark) !== round) continue;
    run(layout.slots + j * layout.slot);
    if (k >= 0) helped++;
    if (Atomics.add(ctl, layout.done, 1) + 1 === count) Atomics.notify(ctl, layout.done);
  }
  return helped;
}
/** Int32 words of the control block: the header, then a slot and a claim word per job. */
export const CONTROL_WORDS = claimOf(MAX_JOBS);
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
