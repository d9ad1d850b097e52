/**
 * Compiled graphs on ONNX Runtime: a traced function (a whole training step) becomes one ONNX
 * model; each call is one `run` fed the batch and the state, and the new state stays in
 * ONNX Runtime's tensors (on the GPU with the WebGPU provider) as the next call's input.
 */
import {
  type CompiledGraph,
  type Graph,
  type Handle,
  type Shape,
  sizeOf,
  type TensorInfo,
  valueDType,
} from '@backprop/core';
import { graphModel } from './graph-model.js';
import { OnnxHandle } from './handle.js';
import { ORT_DTYPE } from './lower/driver.js';
import type { Runtime } from './runtime.js';

/** Constants up to this many elements are stored in the model when their value is known. */
const BAKE_MAX = 4096;

/** What a compiled graph needs from its backend. */
export interface GraphHost {
  readonly runtime: Runtime;
  own(op: string, h: Handle): OnnxHandle;
  track(h: OnnxHandle): OnnxHandle;
  /** Runs `job` after every run already queued. */
  enqueue(job: () => Promise<void>): Promise<void>;
  /** Computes the given pending handles now (inside a queued job). */
  compute(handles: OnnxHandle[]): Promise<void>;
}

/** Compiles `g` for `host`: one session, one run per call. */
export function compileGraph(host: GraphHost, g: Graph): CompiledGraph {
  const constants = g.constants.map((c) => host.own('compileGraph', c.handle));
  for (const c of constants) c.users++;
  // Small constants already on the host (the scalars an optimizer or a loss writes) are stored
  // in the model, so ONNX Runtime folds what depends only on them; the others are fed.
  const baked = constants.map(({ value: v, shape }) =>
    v?.location === 'cpu' && sizeOf(shape) <= BAKE_MAX ? (v.data as Float32Array | Int32Array | Uint8Array) : undefined,
  );
  // The new state stays where the runtime keeps state (on the GPU with WebGPU); outputs come to the host.
  const { options, stateLocation } = host.runtime;
  const session = host.runtime.ort.InferenceSession.create(
    graphModel(g, { constants: baked }),
    stateLocation === 'cpu'
      ? options
      : {
          ...options,
          preferredOutputLocation: Object.fromEntries([
            ...g.outputs.map((_, i) => [`o${i}`, 'cpu'] as const),
            ...g.stateOut.map((_, i) => [`n${i}`, stateLocation] as const),
          ]),
        },
  );
  session.catch(() => {});
  host.runtime.stats.sessions++;
  const release = (hs: OnnxHandle[]) => {
    for (const h of hs) if (--h.users === 0 && h.disposed) h.release();
  };
  return {
    run(inputs: readonly TensorInfo[], state: readonly TensorInfo[]) {
      const ins = inputs.map((t) => host.own('compiled run', t.handle));
      const st = state.map((t) => host.own('compiled run', t.handle));
      const held = [...ins, ...st];
      for (const h of held) h.users++;
      // A result that is an input or a state value passed through (an unchanged learning rate,
      // a frozen buffer) shares that value's host tensor at once: it is known before the run, so
      // code reading it synchronously between steps (an optimizer's loadStateDict) need not wait.
      const make = (r: { value: number; shape: Shape }) => {
        const h = host.track(new OnnxHandle(null, {}, [], r.shape, valueDType(g, r.value)));
        const from = r.value < held.length ? held[r.value] : undefined;
        const src = from?.value;
        // (Not while an update is still to write into it in place: the result is then the run's copy.)
        if (from && src && src.location === 'cpu' && from.writes === 0) {
          h.value = new host.runtime.ort.Tensor(ORT_DTYPE[h.dtype], src.data as never, r.shape);
          // Both now hold one host array: an update in place copies it before writing.
          h.sharesData = from.sharesData = true;
        }
        return h;
      };
      const outputs = g.outputs.map(make);
      const next = g.stateOut.map(make);
      const results = [...outputs, ...next];
      void host
        .enqueue(async () => {
          try {
            const all = [...held, ...constants];
            const pending = all.filter((h) => h.pending);
            if (pending.length > 0) await host.compute(pending);
            const feeds: Record<string, OnnxHandle['value']> = {};
            ins.forEach((h, i) => (feeds[`i${i}`] = h.value));
            st.forEach((h, i) => (feeds[`s${i}`] = h.value));
            constants.forEach((h, i) => {
              if (!baked[i]) feeds[`k${i}`] = h.value;
            });
            const s = await session;
            host.runtime.stats.runs++;
            const r = await s.run(feeds as never);
            // A result already known (passed through on the host) drops the run's device copy.
            const take = (h: OnnxHandle, t: NonNullable<OnnxHandle['value']>) => {
              if (h.value === undefined) h.settle(t);
              else if (t.location !== 'cpu') t.dispose();
            };
            outputs.forEach((h, i) => take(h, r[`o${i}`]));
            next.forEach((h, i) => take(h, r[`n${i}`]));
          } catch (e) {
            for (const h of results) h.error = e;
            throw e;
          } finally {
            release(held);
          }
        })
        .catch(() => {});
      return { outputs, state: next };
    },
    dispose() {
      release(constants);
      void session.then((s) => s.release()).catch(() => {});
    },
  };
}
