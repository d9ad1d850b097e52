/**
 * The ONNX model of a traced graph (core's `Graph`): what compiled steps run and what
 * `exportOnnx` writes. Every kernel goes through the one lowering driver.
 */
import type { DType, Graph, Shape } from '@backprop/core';
import { formatValue, shapesEqual, sizeOf, ValueError } from '@backprop/core';
import { lowerNode } from './lower/driver.js';
import { GraphBuilder, type LowerInput, reshapeTo } from './lower/index.js';
import { encodeModel } from './proto/onnx.js';

/** Options of {@link graphModel}. */
export interface GraphModelOptions {
  /** Values of the constants, to store them in the model instead of feeding them (`undefined`: fed as `k<i>`). */
  constants?: readonly (Float32Array | Int32Array | Uint8Array | undefined)[];
  /** Names of the inputs and outputs (default i0…, o0…). */
  inputNames?: readonly string[];
  outputNames?: readonly string[];
  /**
   * A symbolic name for axis 0 of every input and output (a batch axis the graph does not depend
   * on). Views of values computed from the inputs that keep their axis 0 (the [N] → [N, 1] of a
   * keep-dims reduction) are then written with -1 for it, so they do not fix the batch size.
   */
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

/**
 * The caller's input and output names, checked: non-empty strings, each used once, and none that
 * the model gives another value (state s*, fed constants k*, new state n*, or a default i* / o*
 * of another input or output), since ONNX needs every name once and a clash would wire the
 * graph to the wrong value. The builder's own names (constants, node outputs) skip them.
 */
function ioNames(g: Graph, o: GraphModelOptions): Set<string> {
  const given = [
    ...g.inputs.map((_, i) => o.inputNames?.[i] ?? `i${i}`),
    ...g.outputs.map((_, i) => o.outputNames?.[i] ?? `o${i}`),
  ];
  const fixed = new Set([
    ...g.state.map((_, i) => `s${i}`),
    ...g.constants.flatMap((_, i) => (o.constants?.[i] ? [] : [`k${i}`])),
    ...g.stateOut.map((_, i) => `n${i}`),
  ]);
  const seen = new Set<string>();
  for (const name of given) {
    if (typeof name !== 'string' || name.length === 0)
      throw new ValueError(`graphModel: input and output names must be non-empty strings, got ${formatValue(name)}`);
    if (seen.has(name) || fixed.has(name))
      throw new ValueError(
        `graphModel: the name ${JSON.stringify(name)} is used twice (input and output names must differ from each other${fixed.size > 0 ? ` and from ${[...fixed].join(', ')}` : ''})`,
      );
    seen.add(name);
  }
  return seen;
}

/**
 * The ONNX model of a graph: inputs i*, state s*, constants k*; outputs o* then new state n*.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { graphModel } from '@backprop/backend-onnx';
 * import { add, mul, setBackend, tensor, trace } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const { graph } = trace((x) => add(mul(x, 2), 1), [tensor([1, 2])], []);
 * const bytes = graphModel(graph); // an ONNX ModelProto: input i0, output o0
 * ```
 */
export function graphModel(g: Graph, o: GraphModelOptions = {}): Uint8Array {
  const b = new GraphBuilder(undefined, ioNames(g, o));
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
  // With a symbolic batch axis: the traced batch size, and the values whose axis 0 is that batch
  // axis (the inputs, and what nodes compute from them keeping an axis 0 of that size).
  const batch = o.batchParam ? g.inputs[0]?.shape[0] : undefined;
  const batchedValues = new Set<number>();
  const batched = (value: number, shape: Shape) =>
    batch !== undefined && shape.length > 0 && shape[0] === batch && batchedValues.has(value);
  g.inputs.forEach((t, i) => {
    if (batch !== undefined && t.shape[0] === batch) batchedValues.add(i);
  });
  const use = (value: number, shape: Shape): LowerInput => {
    const name = names[value];
    const from = types[value].shape;
    let viewed = name;
    if (!shapesEqual(from, shape)) {
      // A view that keeps a batch axis 0 and reshapes the rest (the [N] → [N, 1] of a keep-dims
      // reduction) is written with -1 there, so the file does not fix the batch size it was traced at.
      const keepsBatch = batched(value, from) && shape[0] === batch && sizeOf(shape.slice(1)) > 0;
      viewed = reshapeTo(b, name, keepsBatch ? [-1, ...shape.slice(1)] : shape);
    }
    return { name: viewed, shape, dtype: types[value].dtype };
  };
  const live = liveNodes(g);
  for (const [j, n] of g.nodes.entries()) {
    const out = { shape: n.shape, dtype: n.dtype };
    if (!live[j]) {
      add('', out);
      continue;
    }
    if (batch !== undefined && n.shape[0] === batch && n.inputs.some((r) => batched(r.value, r.shape)))
      batchedValues.add(names.length);
    add(
      lowerNode(
        b,
        n,
        n.inputs.map((r) => use(r.value, r.shape)),
        out,
      ),
      out,
    );
  }
  const emit = (prefix: string, names?: readonly string[]) => (r: { value: number; shape: Shape }, i: number) => {
    const t = use(r.value, r.shape);
    b.output(t.name, t.dtype, prefix === 'o' ? io(r.shape) : r.shape, names?.[i] ?? `${prefix}${i}`);
  };
  g.outputs.forEach(emit('o', o.outputNames));
  g.stateOut.forEach(emit('n'));
  return encodeModel(b.graph(), { docString: o.docString });
}
