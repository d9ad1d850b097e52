/** Runtime: ONNX Runtime sessions cached by plan key, and running a plan into its handles. */
import type { DType } from '@backprop/core';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import type { OnnxHandle } from './handle.js';
import { GraphBuilder } from './lower/index.js';
import { buildModel, type Plan } from './plan.js';
import { encodeModel } from './proto/onnx.js';

type HostData = Float32Array | Int32Array | Uint8Array;

/** An Identity model `x → o0` over any shape of one rank, to copy a value out of ONNX Runtime. */
function identityModel(dtype: DType, rank: number): Uint8Array {
  const b = new GraphBuilder();
  const dims = Array.from({ length: rank }, (_, i) => `d${i}`);
  b.output(b.op('Identity', [b.input(dtype, dims, 'x')]), dtype, dims, 'o0');
  return encodeModel(b.graph());
}

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
  /**
   * Where compiled graphs keep their new state: 'gpu-buffer' keeps parameters and optimizer
   * state on the device between runs (WebGPU); run outputs and lazy-graph values come to the host.
   */
  stateLocation: 'cpu' | 'gpu-buffer' = 'cpu';
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

  /**
   * The values of a tensor that ONNX Runtime keeps on a device (`location` 'gpu-buffer'): an
   * Identity run whose output goes to the host. (onnxruntime-node 1.30's `Tensor.getData()` on
   * a WebGPU buffer aborts the process; feeding the buffer to a run works.)
   */
  async download(value: OrtTensor): Promise<HostData> {
    if (value.location === 'cpu') return value.data as HostData;
    const dtype = value.type as DType;
    const session = await this.session(`download|${dtype}|${value.dims.length}`, () =>
      identityModel(dtype, value.dims.length),
    );
    const [out] = await this.runSession(session, { x: value }, 1);
    return out.data as HostData;
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
