/** Runtime: ONNX Runtime sessions cached by plan key, and running a plan into its handles. */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { OnnxHandle } from './handle.js';
import { buildModel, type Plan } from './plan.js';

/** The parts of `onnxruntime-node` / `onnxruntime-web` the backend uses. */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (
    type: 'float32' | 'int32' | 'bool',
    data: Float32Array | Int32Array | Uint8Array,
    dims: readonly number[],
  ) => OrtTensor;
}

/** Counters for tests and benchmarks. */
export interface RuntimeStats {
  /** Sessions created (cache misses). */
  sessions: number;
  /** Runs. */
  runs: number;
}

/** Caches one session per plan key (least recently used first out) and runs plans. */
export class Runtime {
  readonly stats: RuntimeStats = { sessions: 0, runs: 0 };
  readonly #cache = new Map<string, Promise<InferenceSession>>();

  constructor(
    readonly ort: OrtModule,
    readonly options: InferenceSession.SessionOptions,
    readonly maxSessions = 512,
  ) {}

  /** A session for `model`, created once per key. */
  session(key: string, model: () => Uint8Array): Promise<InferenceSession> {
    let s = this.#cache.get(key);
    if (s) {
      this.#cache.delete(key);
      this.#cache.set(key, s);
      return s;
    }
    s = this.ort.InferenceSession.create(model(), this.options);
    this.stats.sessions++;
    this.#cache.set(key, s);
    s.catch(() => this.#cache.delete(key));
    if (this.#cache.size > this.maxSessions) {
      const [oldKey, old] = this.#cache.entries().next().value as [string, Promise<InferenceSession>];
      this.#cache.delete(oldKey);
      void old.then((x) => x.release()).catch(() => {});
    }
    return s;
  }

  /** Runs `feeds` through a session and returns the outputs in order `o0…`. */
  async runSession(session: InferenceSession, feeds: Record<string, OrtTensor>, count: number): Promise<OrtTensor[]> {
    this.stats.runs++;
    const result = await session.run(feeds);
    return Array.from({ length: count }, (_, i) => result[`o${i}`]);
  }

  /** Computes a plan's outputs and stores them in their handles. */
  async run(p: Plan): Promise<void> {
    const session = await this.session(p.key, () => buildModel(p));
    const feeds: Record<string, OrtTensor> = {};
    p.leaves.forEach((h, i) => {
      feeds[`i${i}`] = h.value!;
    });
    const outs = await this.runSession(session, feeds, p.outputs.length);
    p.outputs.forEach((h: OnnxHandle, i) => {
      h.settle(outs[i]);
    });
    for (const h of p.nodes) if (h.pending) h.dropInputs();
  }

  /** Releases every session. */
  async release(): Promise<void> {
    const all = [...this.#cache.values()];
    this.#cache.clear();
    await Promise.all(all.map((s) => s.then((x) => x.release()).catch(() => {})));
  }
}
