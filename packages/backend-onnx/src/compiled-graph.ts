/**
 * Compiled graphs on ONNX Runtime: a traced function (a whole training step) becomes one ONNX
 * model; each call is one `run` fed the batch and the state, and the new state stays in
 * ONNX Runtime's tensors (on the GPU with the WebGPU provider) as the next call's input.
 */
import {
  BackendError,
  type CompiledGraph,
  type DType,
  type Graph,
  type Handle,
  philoxUniform,
  type Shape,
  shapesEqual,
  sizeOf,
  type TensorInfo,
  valueDType,
} from '@backprop/core';
import { OnnxHandle } from './handle.js';
import { GraphBuilder, type LowerInput, lowerings, reshapeTo } from './lower/index.js';
import { encodeModel } from './proto/onnx.js';
import type { Runtime } from './runtime.js';

/** Constants up to this many elements are stored in the model when their value is known. */
const BAKE_MAX = 4096;

const ORT_TYPES = { float32: 'float32', int32: 'int32', bool: 'bool' } as const;

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

/** Options of {@link graphModel}. */
export interface GraphModelOptions {
  /** Values of the constants, to store them in the model instead of feeding them (`undefined`: fed as `k<i>`). */
  constants?: readonly (Float32Array | Int32Array | Uint8Array | undefined)[];
  /** Names of the inputs and outputs (default i0…, o0…). */
  inputNames?: readonly string[];
  outputNames?: readonly string[];
  /** A symbolic name for axis 0 of every input and output (a batch axis the graph does not depend on). */
  batchParam?: string;
  docString?: string;
}

/**
 * Which nodes an output or new state value depends on. Core's trace keeps every node it saw
 * (the gradient of a batch input, which nothing reads); ONNX Runtime would run them.
 */
function liveNodes(g: Graph): Uint8Array {
  const first = g.inputs.length + g.state.length + g.constants.length;
  const live = new Uint8Array(g.nodes.length);
  const stack = [...g.outputs, ...g.stateOut].map((r) => r.value);
  while (stack.length > 0) {
    const j = stack.pop()! - first;
    if (j < 0 || live[j]) continue;
    live[j] = 1;
    for (const r of g.nodes[j].inputs) stack.push(r.value);
  }
  return live;
}

/** The ONNX model of a graph: inputs i*, state s*, constants k*; outputs o* then new state n*. */
export function graphModel(g: Graph, o: GraphModelOptions = {}): Uint8Array {
  const b = new GraphBuilder();
  const names: string[] = [];
  const types: { shape: Shape; dtype: DType }[] = [];
  const add = (name: string, t: { shape: Shape; dtype: DType }) => {
    names.push(name);
    types.push(t);
  };
  const io = (shape: Shape): (number | string)[] => (o.batchParam ? [o.batchParam, ...shape.slice(1)] : [...shape]);
  g.inputs.forEach((t, i) => add(b.input(t.dtype, io(t.shape), o.inputNames?.[i] ?? `i${i}`), t));
  g.state.forEach((t, i) => add(b.input(t.dtype, t.shape, `s${i}`), t));
  g.constants.forEach((t, i) => {
    const v = o.constants?.[i];
    add(v ? b.tensor(v, t.dtype, t.shape) : b.input(t.dtype, t.shape, `k${i}`), t);
  });
  const use = (value: number, shape: Shape): LowerInput => {
    const name = names[value];
    return {
      name: shapesEqual(types[value].shape, shape) ? name : reshapeTo(b, name, shape),
      shape,
      dtype: types[value].dtype,
    };
  };
  const live = liveNodes(g);
  for (const [j, n] of g.nodes.entries()) {
    const out = { shape: n.shape, dtype: n.dtype };
    if (!live[j]) {
      add('', out);
      continue;
    }
    let name: string;
    if (n.kernel === 'fill') {
      name = b.op('Expand', [b.scalar((n.attrs as { value: number }).value, n.dtype), b.ints(n.shape)]);
    } else if (n.kernel === 'randomUniform') {
      // A fixed draw (same key and offset every call) is a constant of the graph.
      const { key, offset } = n.attrs as { key: [number, number]; offset: number };
      name = b.tensor(philoxUniform(key, offset, sizeOf(n.shape)), 'float32', n.shape);
    } else {
      const lower = lowerings[n.kernel];
      if (!lower) throw new BackendError(`${n.kernel}: backend "onnx" cannot compile this kernel`);
      // One output of a multi-output kernel is lowered as its own node (attrs.output = k).
      const attrs = n.output === undefined ? n.attrs : { ...n.attrs, output: n.output };
      name = lower(
        b,
        n.inputs.map((r) => use(r.value, r.shape)),
        attrs,
        out,
      );
    }
    add(name, out);
  }
  const emit = (prefix: string, names?: readonly string[]) => (r: { value: number; shape: Shape }, i: number) => {
    const t = use(r.value, r.shape);
    b.output(t.name, t.dtype, prefix === 'o' ? io(r.shape) : r.shape, names?.[i] ?? `${prefix}${i}`);
  };
  g.outputs.forEach(emit('o', o.outputNames));
  g.stateOut.forEach(emit('n'));
  return encodeModel(b.graph(), { docString: o.docString });
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
        const src = r.value < held.length ? held[r.value].value : undefined;
        if (src && src.location === 'cpu')
          h.value = new host.runtime.ort.Tensor(ORT_TYPES[h.dtype], src.data as never, r.shape);
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
