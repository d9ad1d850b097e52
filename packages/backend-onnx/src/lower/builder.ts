/** GraphBuilder: collects ONNX nodes, constant initializers, inputs and outputs under fresh names. */
import { type DType, exactNumber } from '@backprop/core';
import {
  type AttrValue,
  type GraphSpec,
  type NodeSpec,
  type OnnxElemType,
  OnnxType,
  type TensorSpec,
  type ValueSpec,
} from '../proto/onnx.js';

/** ONNX element type of a Backprop dtype. */
export function onnxType(dtype: DType): OnnxElemType {
  return dtype === 'float32' ? OnnxType.float : dtype === 'int32' ? OnnxType.int32 : OnnxType.bool;
}

/** `nodes` with value `from` read or written under the name `to`, inside their subgraphs too. */
function renameIn(nodes: readonly NodeSpec[], from: string, to: string): NodeSpec[] {
  const swap = (names: readonly string[]) => (names.includes(from) ? names.map((n) => (n === from ? to : n)) : names);
  return nodes.map((n) => {
    const attrs = n.attrs && Object.values(n.attrs).some((a) => 'g' in a) ? { ...n.attrs } : n.attrs;
    if (attrs)
      for (const [k, a] of Object.entries(attrs))
        if ('g' in a) attrs[k] = { g: { ...a.g, nodes: renameIn(a.g.nodes, from, to) } };
    return { ...n, inputs: swap(n.inputs), outputs: swap(n.outputs), attrs };
  });
}

/** Builds one ONNX graph; lowering functions call `op` and get the output's name back. */
export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];
  readonly inputs: ValueSpec[] = [];
  readonly outputs: ValueSpec[] = [];
  #next = 0;
  readonly #consts = new Map<string, string>();
  /** Values computed by a node of this graph that are not graph outputs yet. */
  readonly #computed = new Set<string>();
  readonly #renamed = new Map<string, string>();
  /** The graph a subgraph's builder belongs to: names and constants come from it. */
  readonly #parent: GraphBuilder | undefined;
  /** Names given by the caller (a model's input and output names), which fresh names skip. */
  readonly #reserved: ReadonlySet<string>;

  constructor(parent?: GraphBuilder, reserved: ReadonlySet<string> = new Set()) {
    this.#parent = parent;
    this.#reserved = reserved;
  }

  /** A fresh value name (unique across the graph and its subgraphs, as ONNX requires), never a reserved one. */
  fresh(prefix = 'v'): string {
    if (this.#parent) return this.#parent.fresh(prefix);
    let name = `${prefix}${this.#next++}`;
    while (this.#reserved.has(name)) name = `${prefix}${this.#next++}`;
    return name;
  }

  /**
   * A subgraph (a branch of an If node) with one output: `build` adds its nodes to a builder
   * whose names and constants are this graph's, and may read any value of this graph by name.
   */
  branch(build: (sub: GraphBuilder) => string, dtype: DType, dims: readonly (number | string)[]): GraphSpec {
    const sub = new GraphBuilder(this);
    sub.output(build(sub), dtype, dims);
    return sub.graph(this.fresh('branch'));
  }

  /** Adds a node with one output; returns the output's name. */
  op(op: string, inputs: readonly string[], attrs?: Record<string, AttrValue>): string {
    const out = this.fresh();
    this.nodes.push({ op, inputs, outputs: [out], attrs });
    this.#computed.add(out);
    return out;
  }

  /** Declares a graph input. */
  input(dtype: DType, dims: readonly (number | string)[], name = this.fresh('in')): string {
    this.inputs.push({ name, type: onnxType(dtype), dims });
    return name;
  }

  /**
   * Declares `name` as a graph output called `outName`. A value computed by a node is renamed
   * (an Identity would copy it: ONNX Runtime's Identity copies into a graph output); an input,
   * a constant or a value already output goes through an Identity.
   */
  output(value: string, dtype: DType, dims: readonly (number | string)[], outName = this.fresh('out')): string {
    const name = this.#renamed.get(value) ?? value;
    if (this.#computed.delete(name)) this.#rename(name, outName);
    else this.nodes.push({ op: 'Identity', inputs: [name], outputs: [outName] });
    this.outputs.push({ name: outName, type: onnxType(dtype), dims });
    return outName;
  }

  #rename(from: string, to: string): void {
    this.#renamed.set(from, to);
    this.nodes.splice(0, this.nodes.length, ...renameIn(this.nodes, from, to));
  }

  #constant(key: string, type: OnnxElemType, dims: readonly number[], raw: Uint8Array): string {
    if (this.#parent) return this.#parent.#constant(key, type, dims, raw);
    let name = this.#consts.get(key);
    if (!name) {
      name = this.fresh('c');
      this.initializers.push({ name, type, dims, raw });
      this.#consts.set(key, name);
    }
    return name;
  }

  /** An int64 constant (1-D, or a scalar with `scalar`). */
  ints(values: readonly number[], scalar = false): string {
    const raw = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
    return this.#constant(
      `i64${scalar ? 's' : ''}:${values.join(',')}`,
      OnnxType.int64,
      scalar ? [] : [values.length],
      raw,
    );
  }

  /** A scalar constant of `dtype`. */
  scalar(value: number, dtype: DType): string {
    const raw =
      dtype === 'float32'
        ? new Uint8Array(new Float32Array([value]).buffer)
        : dtype === 'int32'
          ? new Uint8Array(new Int32Array([value]).buffer)
          : new Uint8Array([value ? 1 : 0]);
    return this.#constant(`${dtype}:${exactNumber(value)}`, onnxType(dtype), [], raw);
  }

  /** A float64 scalar constant (for host-precision scalar arithmetic such as 1 − βᵗ). */
  double(value: number): string {
    return this.#constant(
      `f64:${exactNumber(value)}`,
      OnnxType.double,
      [],
      new Uint8Array(new Float64Array([value]).buffer),
    );
  }

  /** A constant tensor with the given values. */
  tensor(values: Float32Array | Int32Array | Uint8Array, dtype: DType, dims: readonly number[]): string {
    if (this.#parent) return this.#parent.tensor(values, dtype, dims);
    const name = this.fresh('w');
    this.initializers.push({
      name,
      type: onnxType(dtype),
      dims,
      raw: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice(),
    });
    return name;
  }

  /** The finished graph. */
  graph(name = 'backprop'): GraphSpec {
    return { name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs };
  }
}
