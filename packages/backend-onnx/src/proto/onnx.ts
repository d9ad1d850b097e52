/**
 * The parts of onnx.proto Backprop writes (ModelProto, GraphProto, NodeProto, TensorProto,
 * ValueInfoProto, AttributeProto), with the field numbers of onnx/onnx.proto (IR version 8).
 */
import { ProtoWriter } from './writer.js';

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = {
  float: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  double: 11,
  uint32: 12,
  uint64: 13,
} as const;
/** An ONNX element type number. */
export type OnnxElemType = (typeof OnnxType)[keyof typeof OnnxType];

/** A constant tensor (initializer or attribute). */
export interface TensorSpec {
  name: string;
  type: OnnxElemType;
  dims: readonly number[];
  /** Little-endian raw bytes. */
  raw: Uint8Array;
}

/** An attribute value, tagged by its ONNX type. */
export type AttrValue =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { t: TensorSpec }
  /** A subgraph (an If node's branches): it may read values of the graphs around it by name. */
  | { g: GraphSpec };

/** One node of a graph. */
export interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Record<string, AttrValue>;
  domain?: string;
}

/** A graph input or output: name, element type and shape (a string names a symbolic dimension). */
export interface ValueSpec {
  name: string;
  type: OnnxElemType;
  dims: readonly (number | string)[];
}

/** A whole graph. */
export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorSpec[];
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
}

/** The opset every model targets. */
export const OPSET = 18;
const IR_VERSION = 8;

function writeTensor(w: ProtoWriter, t: TensorSpec): void {
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, t.type);
  w.string(8, t.name);
  w.bytes(9, t.raw);
}

function writeAttr(w: ProtoWriter, name: string, a: AttrValue): void {
  w.string(1, name);
  if ('i' in a) w.int(3, a.i).int(20, 2);
  else if ('f' in a) w.float(2, a.f).int(20, 1);
  else if ('s' in a) w.string(4, a.s).int(20, 3);
  else if ('ints' in a) w.packedInts(8, a.ints).int(20, 7);
  else if ('floats' in a) {
    const raw = new Uint8Array(new Float32Array(a.floats).buffer);
    w.bytes(7, raw).int(20, 6);
  } else if ('g' in a) w.message(6, (m) => writeGraph(m, a.g)).int(20, 5);
  else w.message(5, (m) => writeTensor(m, a.t)).int(20, 4);
}

function writeValue(w: ProtoWriter, v: ValueSpec): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.type);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.int(1, d)));
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: GraphSpec): void {
  for (const n of g.nodes) {
    w.message(1, (m) => {
      for (const i of n.inputs) m.string(1, i);
      for (const o of n.outputs) m.string(2, o);
      m.string(4, n.op);
      for (const [k, a] of Object.entries(n.attrs ?? {})) m.message(5, (attr) => writeAttr(attr, k, a));
      if (n.domain) m.string(7, n.domain);
    });
  }
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  for (const v of g.inputs) w.message(11, (m) => writeValue(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValue(m, v));
}

/** Serializes a graph as an ONNX ModelProto (IR 8, default-domain opset {@link OPSET}). */
export function encodeModel(graph: GraphSpec, { producer = 'backprop', docString = '' } = {}): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, producer);
  w.string(3, '0.1.0');
  if (docString) w.string(6, docString);
  w.message(7, (m) => writeGraph(m, graph));
  w.message(8, (m) => m.string(1, '').int(2, OPSET));
  return w.finish();
}
