/**
 * Compiled graphs on ONNX Runtime: a traced function (a whole training step) becomes one ONNX
 * model; each call is one `run` fed the batch and the state, and the new state stays in
 * ONNX Runtime's tensors (on the GPU with the WebGPU provider) as the next call's input. With
 * the CPU provider, the optimizer updates a step asks to write in place are written into the
 * state's own host arrays after the run (`compiled-updates.ts`) when the caller allows it.
 */
import {
  type CompiledGraph,
  type CompiledRunOptions,
  type Graph,
  type Handle,
  type Shape,
  shapesEqual,
  sizeOf,
  type TensorInfo,
  valueDType,
} from '@backprop/core';
import { hostUpdates, type InPlaceVariant, inPlaceCandidates, inPlaceVariant } from './compiled-updates.js';
import { graphModel } from './graph-model.js';
import { OnnxHandle } from './handle.js';
import { runHostUpdates } from './host-update.js';
import { ORT_DTYPE } from './lower/driver.js';
import type { Runtime } from './runtime.js';
import { hostData, type InPlaceHost, writableTargets } from './update-in-place.js';

/** Most sessions that write updates in place, per compiled graph (one per set of writable updates met). */
const MAX_VARIANTS = 4;

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
  /** True when updates may be written into host arrays (the CPU provider). */
  readonly writesInPlace: boolean;
  /** A host float32 tensor of ONNX Runtime holding `values`. */
  tensor: InPlaceHost['tensor'];
}

/**
 * Compiles `g` for `host`: one run per call, of the graph's session or, when the call writes
 * updates in place, of a session without them (each made on first use).
 */
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
  const start = (graph: Graph) => {
    const session = host.runtime.ort.InferenceSession.create(
      graphModel(graph, { constants: baked }),
      stateLocation === 'cpu'
        ? options
        : {
            ...options,
            preferredOutputLocation: Object.fromEntries([
              ...graph.outputs.map((_, i) => [`o${i}`, 'cpu'] as const),
              ...graph.stateOut.map((_, i) => [`n${i}`, stateLocation] as const),
            ]),
          },
    );
    session.catch(() => {});
    host.runtime.stats.sessions++;
    return session;
  };
  let session: ReturnType<typeof start> | undefined;
  const candidates = host.writesInPlace && stateLocation === 'cpu' ? inPlaceCandidates(g) : [];
  /** Models that write some updates on the host, by which candidates they write (made on first use). */
  const variants = new Map<string, { variant: InPlaceVariant; session: ReturnType<typeof start> }>();
  const variantFor = (writable: readonly boolean[] | undefined) => {
    const chosen = candidates.filter((u) => u.state.every((s) => writable?.[s] === true));
    if (chosen.length === 0) return undefined;
    const key = chosen.map((u) => u.node).join(',');
    let v = variants.get(key);
    // Each set of updates written in place is a session of its own: past a few, a call whose
    // set is new runs out of place rather than building another.
    if (!v && variants.size >= MAX_VARIANTS) return undefined;
    if (!v) {
      const variant = inPlaceVariant(g, chosen);
      v = { variant, session: start(variant.graph) };
      variants.set(key, v);
    }
    return v;
  };
  const release = (hs: OnnxHandle[]) => {
    for (const h of hs) if (--h.users === 0 && h.disposed) h.release();
  };
  return {
    run(inputs: readonly TensorInfo[], state: readonly TensorInfo[], runOptions?: CompiledRunOptions) {
      const ins = inputs.map((t) => host.own('compiled run', t.handle));
      const st = state.map((t) => host.own('compiled run', t.handle));
      const held = [...ins, ...st];
      for (const h of held) h.users++;
      const inPlace = variantFor(runOptions?.writable);
      const written = new Set(inPlace?.variant.updates.flatMap((u) => u.targets));
      // Reads of a state value written in place wait for the write.
      for (const s of written) st[s].writes++;
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
      // A state value written in place is its own new value.
      const next = g.stateOut.map((r, s) => (written.has(s) ? st[s] : make(r)));
      const results = [...outputs, ...next.filter((_, s) => !written.has(s))];
      void host
        .enqueue(async () => {
          try {
            const all = [...held, ...constants];
            const pending = all.filter((h) => h.pending);
            if (pending.length > 0) await host.compute(pending);
            const feeds: Record<string, OnnxHandle['value']> = {};
            // A reshaped tensor (an argument, state or captured constant: core's reshape is a view)
            // keeps its value's dims: it is fed with the shape the graph declares, as the eager path
            // reshapes it. A value on a device (the WebGPU provider's) comes to the host for that:
            // its buffer is the run's own.
            const fed = async (h: OnnxHandle, shape: Shape) => {
              const v = h.value;
              if (!v || shapesEqual(v.dims, shape)) return v;
              const data = await host.runtime.download(v);
              return new host.runtime.ort.Tensor(h.dtype, data as never, shape);
            };
            for (const [i, h] of ins.entries()) feeds[`i${i}`] = await fed(h, inputs[i].shape);
            for (const [i, h] of st.entries()) feeds[`s${i}`] = await fed(h, state[i].shape);
            for (const [i, h] of constants.entries())
              if (!baked[i]) feeds[`k${i}`] = await fed(h, g.constants[i].shape);
            if (!inPlace && !session) session = start(g);
            const s = await (inPlace?.session ?? session!);
            host.runtime.stats.runs++;
            const r = await s.run(feeds as never);
            // A result already known (passed through on the host) drops the run's device copy.
            const take = (h: OnnxHandle, t: NonNullable<OnnxHandle['value']>) => {
              if (h.value === undefined) h.settle(t);
              else if (t.location !== 'cpu') t.dispose();
            };
            outputs.forEach((h, i) => take(h, r[`o${i}`]));
            if (!inPlace) {
              next.forEach((h, i) => take(h, r[`n${i}`]));
              return;
            }
            const { stateOutput, updates } = inPlace.variant;
            next.forEach((h, i) => {
              const name = stateOutput[i];
              if (name !== undefined) take(h, r[name]);
            });
            // Every update's arrays are found before the first is written: all are written, or none.
            const claimed = new Set<OnnxHandle>();
            const writes = hostUpdates(
              updates,
              (name) => r[name].data as Float32Array | Int32Array,
              (v) => hostData(held[v]),
              (i) => hostData(st[i]) as Float32Array,
              (states) =>
                writableTargets(
                  states.map((i) => st[i]),
                  host.tensor,
                  claimed,
                ),
            );
            runHostUpdates(writes);
          } catch (e) {
            for (const h of results) h.error = e;
            throw e;
          } finally {
            for (const i of written) st[i].writes--;
            release(held);
          }
        })
        .catch(() => {});
      return { outputs, state: next };
    },
    dispose() {
      release(constants);
      for (const p of [session, ...[...variants.values()].map((v) => v.session)])
        void p?.then((s) => s.release()).catch(() => {});
    },
  };
}
