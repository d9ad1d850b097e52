/**
 * An update's rule (core's fused update rules, `updateKernelRule`) compiled into a WebAssembly SIMD function: four
 * float32 lanes per instruction, each operation IEEE float32 (no fused multiply-add), so it writes
 * the same bits as ONNX Runtime's float32 nodes. Two ways to reach the arrays: `blocks` copies
 * blocks of the host arrays into the module's own memory, computes and copies them back (each
 * array is read and written once, as by a loop in place, and the copies stay in the caches);
 * `pointers` computes where the arrays live, in a memory the caller imports (`resident-update.ts`).
 */
import {
  exactKey,
  exactNumber,
  type UpdateArrays,
  type UpdateKernelName,
  type UpdateMath,
  updateKernelRule,
} from '@backprop/core';

/**
 * Elements per block (64 KiB per array: Adam's seven arrays take 448 KiB, within a core's L2 cache
 * on the machines measured). Against 4096 (16 KiB), the Adam update over the 669,706 parameters of
 * MLP 784-512-512-10 took 0.77–0.84 ms against 0.82–0.90 (four alternating runs): fewer copies
 * and calls per element.
 */
export const BLOCK = 16384;
const BYTES = BLOCK * 4;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for i32.const). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const text = (s: string) => vec([...s].map((c) => [c.charCodeAt(0)]));

/** A SIMD instruction (prefix 0xfd) by its opcode. */
const simd = (op: number) => [0xfd, ...uleb(op)];
const OP = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  splat: 0x13,
  sqrt: 0xe3,
  add: 0xe4,
  sub: 0xe5,
  mul: 0xe6,
  div: 0xe7,
  max: 0xe9,
};
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
/** Parameters 0 (the end byte offset) to 4: γ and Adam's three coefficients. */
const SCALARS = 5;

/**
 * How a module finds its arrays. `blocks`: slot k is block k of the module's own memory (inputs
 * first, then outputs). `pointers`: the memory is imported and the function takes one byte
 * address per slot after the scalars, so it reads and writes arrays where they live.
 */
export type Addressing = 'blocks' | 'pointers';

/** The arithmetic as WebAssembly: each value is a v128 local; the loop body and its prologue are collected. */
class WasmMath implements UpdateMath<number> {
  readonly prologue: number[] = [];
  readonly body: number[] = [];
  locals = 0;
  readonly #constants = new Map<string, number>();

  /** `index`: the local holding the loop's byte index (the first after the parameters). */
  constructor(
    readonly index: number,
    readonly addressing: Addressing,
  ) {}

  local(): number {
    return this.index + 1 + this.locals++;
  }
  /** A scalar parameter (γ or a coefficient) in every lane. */
  splat(param: number): number {
    const l = this.local();
    this.prologue.push(0x20, param, ...simd(OP.splat), 0x21, ...uleb(l));
    return l;
  }
  /** The address of slot `slot` at the loop's index: instructions, and the memarg offset. */
  #address(slot: number): { code: number[]; offset: number } {
    return this.addressing === 'blocks'
      ? { code: [0x20, ...uleb(this.index)], offset: slot * BYTES }
      : { code: [0x20, ...uleb(SCALARS + slot), 0x20, ...uleb(this.index), 0x6a], offset: 0 };
  }
  /** Loads slot `slot` at the loop's index. */
  load(slot: number): number {
    const l = this.local();
    const { code, offset } = this.#address(slot);
    this.body.push(...code, ...simd(OP.load), 4, ...uleb(offset), 0x21, ...uleb(l));
    return l;
  }
  /** Stores value `v` into slot `slot` at the loop's index. */
  store(v: number, slot: number): void {
    const { code, offset } = this.#address(slot);
    this.body.push(...code, 0x20, ...uleb(v), ...simd(OP.store), 4, ...uleb(offset));
  }
  #op(op: number, args: number[]): number {
    const l = this.local();
    for (const a of args) this.body.push(0x20, ...uleb(a));
    this.body.push(...simd(op), 0x21, ...uleb(l));
    return l;
  }
  add = (a: number, b: number) => this.#op(OP.add, [a, b]);
  sub = (a: number, b: number) => this.#op(OP.sub, [a, b]);
  mul = (a: number, b: number) => this.#op(OP.mul, [a, b]);
  div = (a: number, b: number) => this.#op(OP.div, [a, b]);
  max = (a: number, b: number) => this.#op(OP.max, [a, b]);
  sqrt = (a: number) => this.#op(OP.sqrt, [a]);
  constant = (c: number): number => {
    const f = Math.fround(c);
    const key = exactNumber(f); // (+0 and −0 are different constants)
    let l = this.#constants.get(key);
    if (l === undefined) {
      l = this.local();
      const lanes = new Uint8Array(new Float32Array([f, f, f, f]).buffer);
      this.prologue.push(...simd(OP.const), ...lanes, 0x21, ...uleb(l));
      this.#constants.set(key, l);
    }
    return l;
  };
  identity = (a: number) => a;
}

/** The function of a compiled update: `pointers` are byte addresses, one per slot (`pointers` addressing only). */
export type UpdateFunction = (
  endBytes: number,
  lr: number,
  c0: number,
  c1: number,
  c2: number,
  ...pointers: number[]
) => void;

/**
 * The module of one update: a function computing every slot's vectors from 0 to the end byte
 * offset (inputs in slots 0…, outputs after them), and for `blocks` addressing the memory it
 * exports, sized for one block per slot.
 */
function compileModule(
  name: UpdateKernelName,
  attrs: object,
  present: readonly boolean[],
  outputs: number,
  addressing: Addressing,
): WebAssembly.Module {
  const slots = present.length + outputs;
  const params = addressing === 'blocks' ? SCALARS : SCALARS + slots;
  const M = new WasmMath(params, addressing);
  const lr = M.splat(1);
  const coefficients = [M.splat(2), M.splat(3), M.splat(4)];
  const xs = present.map((p, k) => (p ? M.load(k) : M.constant(0)));
  const rule = updateKernelRule(M, name, attrs, xs, lr, coefficients);
  const outs = Array.from({ length: outputs }, (_, k) => rule(k));
  outs.forEach((v, k) => M.store(v, present.length + k));
  const index = uleb(M.index);
  const code = [
    ...vec([
      [1, I32],
      [...uleb(M.locals), V128],
    ]),
    ...M.prologue,
    // do { body; i += 16 } while (i < end)
    0x03,
    0x40,
    ...M.body,
    0x20,
    ...index,
    0x41,
    ...sleb(16),
    0x6a,
    0x22,
    ...index,
    0x20,
    0,
    0x49,
    0x0d,
    0,
    0x0b,
    0x0b,
  ];
  const pages = Math.ceil((slots * BYTES) / 65536);
  const paramTypes = [[I32], [F32], [F32], [F32], [F32], ...Array.from({ length: params - SCALARS }, () => [I32])];
  const exported = [[...text('run'), 0x00, 0]];
  if (addressing === 'blocks') exported.push([...text('memory'), 0x02, 0]);
  const bytes = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(paramTypes), ...vec([])]])),
    // An imported memory of at least one page.
    ...(addressing === 'pointers' ? section(2, vec([[...text('env'), ...text('memory'), 0x02, 0x00, 1]])) : []),
    ...section(3, vec([[0]])),
    ...(addressing === 'blocks' ? section(5, vec([[0x00, ...uleb(pages)]])) : []),
    ...section(7, vec(exported)),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
  return new WebAssembly.Module(bytes);
}

/** A compiled update over its own memory: the memory and its function over one block. */
interface Compiled {
  memory: Float32Array;
  run: UpdateFunction;
  inputs: number;
}

/** Modules by kernel, attributes, inputs present and addressing; null where WebAssembly SIMD is unavailable. */
const modules = new Map<string, WebAssembly.Module | null>();

/**
 * The module of an update, compiled on first use, or null when this engine cannot compile it (no
 * WebAssembly SIMD, or a content security policy).
 */
export function updateModule(
  name: UpdateKernelName,
  attrs: object,
  present: readonly boolean[],
  outputs: number,
  addressing: Addressing,
): WebAssembly.Module | null {
  const key = `${addressing}|${name}|${present.map(Number).join('')}|${outputs}|${exactKey(attrs)}`;
  let m = modules.get(key);
  if (m === undefined) {
    try {
      m = compileModule(name, attrs, present, outputs, addressing);
    } catch {
      m = null;
    }
    modules.set(key, m);
  }
  return m;
}

/** Instances over their own memory, by module. */
const instances = new WeakMap<WebAssembly.Module, Compiled>();

/** The update over its own memory (blocks copied in and out), or null when this engine cannot compile it. */
function compiledUpdate(
  name: UpdateKernelName,
  attrs: object,
  present: readonly boolean[],
  outputs: number,
): Compiled | null {
  const module = updateModule(name, attrs, present, outputs, 'blocks');
  if (!module) return null;
  let c = instances.get(module);
  if (!c) {
    let exports: { run: UpdateFunction; memory: WebAssembly.Memory };
    try {
      exports = new WebAssembly.Instance(module).exports as typeof exports;
    } catch {
      return null; // (no memory for it: the caller falls back to core's loop)
    }
    c = { memory: new Float32Array(exports.memory.buffer), run: exports.run, inputs: present.length };
    instances.set(module, c);
  }
  return c;
}

/**
 * Runs update `name` over every element with WebAssembly SIMD: `arrays` are its elementwise
 * inputs (undefined for Adam's t), `targets` receive its outputs. Returns false, having done
 * nothing, when the engine cannot compile it.
 */
export function runWasmUpdate({ name, attrs, arrays, targets, lr, coefficients }: UpdateArrays): boolean {
  const c = compiledUpdate(
    name,
    attrs,
    arrays.map((x) => x !== undefined),
    targets.length,
  );
  if (!c) return false;
  const size = targets[0]?.length ?? 0;
  const [c0 = 0, c1 = 0, c2 = 0] = coefficients;
  for (let start = 0; start < size; start += BLOCK) {
    const n = Math.min(BLOCK, size - start);
    arrays.forEach((x, k) => {
      if (x) c.memory.set(x.subarray(start, start + n), k * BLOCK);
    });
    // Whole vectors: lanes past n compute on stale values and are not copied out.
    c.run(Math.ceil(n / 4) * 16, lr, c0, c1, c2);
    targets.forEach((t, k) => {
      const at = (c.inputs + k) * BLOCK;
      t.set(c.memory.subarray(at, at + n), start);
    });
  }
  return true;
}
