/** The messages between threads.html and its benchmark worker (one worker per run). */

/** Page → worker: train the playground's MLP on MNIST on `cpu({ threads })`. */
export interface BenchRequest {
  threads: number;
  /** Hidden layer widths. */
  hidden: number[];
  batchSize: number;
  /**
   * Untimed epochs first: the browser's JavaScript engine compiles the training step in the
   * background for its first few hundred steps, on threads that compete with the kernel worker.
   */
  warmupEpochs: number;
  /** Epochs timed after the warm-up. */
  epochs: number;
  mnistUrl: string;
}

/** Worker → page: what ran and how fast. */
export type BenchResult =
  | {
      ok: true;
      threads: number;
      /** `crossOriginIsolated` inside the worker. */
      isolated: boolean;
      /** The backend's `paths.threads` after `ready()` (calling thread included). */
      pathThreads: number;
      /** True when the matmul and dense kernels ran WebAssembly SIMD. */
      simd: boolean;
      /** `Worker` objects backend-cpu created in this worker (its kernel thread pool). */
      workersStarted: number;
      /** Error events of those workers (a script the page's policy blocked, say). */
      workerErrors: number;
      /** Kernel workers that instantiated the SIMD module and reported ready (its control block). */
      workersReady: number;
      /** Rounds of jobs handed to the kernel workers (matmul / dense calls split across threads). */
      threadedRounds: number;
      /** Milliseconds from ready() until the kernel workers reported ready (0 for one thread). */
      poolStartMs: number;
      /** Training samples per second over the timed epochs. */
      samplesPerSecond: number;
      /** The same over the warm-up epochs (the cold start). */
      warmupSamplesPerSecond: number;
      /** The train-set loss after each epoch, the warm-up included. */
      losses: number[];
      hardwareConcurrency: number;
    }
  | { ok: false; threads: number; error: string };
