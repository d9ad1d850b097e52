/**
 * A fused optimizer update written into host arrays: the formulas of `lower/update-rules.ts`
 * compiled to WebAssembly SIMD (`wasm-update.ts`), or evaluated block by block in JavaScript
 * where the engine cannot compile it (every result stored in a Float32Array, so each operation
 * rounds exactly as ONNX Runtime's float32 nodes do). Each block's outputs are all computed
 * before any is written, so writing over the inputs gives the out-of-place results.
 */
import type { UpdateKernelName } from '@backprop/core';
import { type UpdateMath, updateRule } from './lower/update-rules.js';
import { runWasmUpdate } from './wasm-update.js';

/** A host value: a block of float32 values, or a float32 scalar that broadcasts. */
type Value = Float32Array | number;

/** Elements per block: a dozen scratch blocks of 8 KiB stay in the L2 cache. */
const BLOCK = 2048;

/** Float32 arithmetic on blocks of `n` elements, results in scratch blocks reused from block to block. */
class BlockMath implements UpdateMath<Value> {
  #pool: Float32Array[] = [];
  #used = 0;
  n = 0;

  /** Starts a block of n elements: every scratch block is free again. */
  reset(n: number): void {
    this.n = n;
    this.#used = 0;
  }

  #out(): Float32Array {
    if (this.#used === this.#pool.length) this.#pool.push(new Float32Array(BLOCK));
    const full = this.#pool[this.#used++];
    return this.n === BLOCK ? full : full.subarray(0, this.n);
  }

  add(a: Value, b: Value): Value {
    if (typeof a === 'number' && typeof b === 'number') return Math.fround(a + b);
    const y = this.#out();
    const n = y.length;
    if (typeof a === 'number') for (let i = 0; i < n; i++) y[i] = a + (b as Float32Array)[i];
    else if (typeof b === 'number') for (let i = 0; i < n; i++) y[i] = a[i] + b;
    else for (let i = 0; i < n; i++) y[i] = a[i] + b[i];
    return y;
  }

  sub(a: Value, b: Value): Value {
    if (typeof a === 'number' && typeof b === 'number') return Math.fround(a - b);
    const y = this.#out();
    const n = y.length;
    if (typeof a === 'number') for (let i = 0; i < n; i++) y[i] = a - (b as Float32Array)[i];
    else if (typeof b === 'number') for (let i = 0; i < n; i++) y[i] = a[i] - b;
    else for (let i = 0; i < n; i++) y[i] = a[i] - b[i];
    return y;
  }

  mul(a: Value, b: Value): Value {
    if (typeof a === 'number' && typeof b === 'number') return Math.fround(a * b);
    const y = this.#out();
    const n = y.length;
    if (typeof a === 'number') for (let i = 0; i < n; i++) y[i] = a * (b as Float32Array)[i];
    else if (typeof b === 'number') for (let i = 0; i < n; i++) y[i] = a[i] * b;
    else for (let i = 0; i < n; i++) y[i] = a[i] * b[i];
    return y;
  }

  div(a: Value, b: Value): Value {
    if (typeof a === 'number' && typeof b === 'number') return Math.fround(a / b);
    const y = this.#out();
    const n = y.length;
    if (typeof a === 'number') for (let i = 0; i < n; i++) y[i] = a / (b as Float32Array)[i];
    else if (typeof b === 'number') for (let i = 0; i < n; i++) y[i] = a[i] / b;
    else for (let i = 0; i < n; i++) y[i] = a[i] / b[i];
    return y;
  }

  max(a: Value, b: Value): Value {
    if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b);
    const y = this.#out();
    const n = y.length;
    if (typeof a === 'number') for (let i = 0; i < n; i++) y[i] = Math.max(a, (b as Float32Array)[i]);
    else if (typeof b === 'number') for (let i = 0; i < n; i++) y[i] = Math.max(a[i], b);
    else for (let i = 0; i < n; i++) y[i] = Math.max(a[i], b[i]);
    return y;
  }

  sqrt(a: Value): Value {
    if (typeof a === 'number') return Math.fround(Math.sqrt(a));
    const y = this.#out();
    const n = y.length;
    for (let i = 0; i < n; i++) y[i] = Math.sqrt(a[i]);
    return y;
  }

  constant(c: number): Value {
    return Math.fround(c);
  }

  identity(a: Value): Value {
    if (typeof a === 'number') return a;
    const y = this.#out();
    y.set(a);
    return y;
  }
}

/** The host inputs of one update: the kernel's inputs as arrays (scalars as one-element arrays). */
export interface HostUpdate {
  name: UpdateKernelName;
  attrs: object;
  /** The kernel's inputs in order ([θ, g, m, v, t, v̄?, γ] for Adam). */
  inputs: readonly (Float32Array | Int32Array)[];
  /** Adam's float32 coefficients [a, e, decay?] as ONNX Runtime computed them (`adamCoefficients`). */
  coefficients?: readonly number[];
  /** Where each output goes (the parameter and state inputs, in output order). */
  targets: readonly Float32Array[];
}

/** One update over host arrays, as both engines (WebAssembly, JavaScript blocks) take it. */
export interface UpdateArrays {
  name: UpdateKernelName;
  attrs: object;
  /** The elementwise inputs (the kernel's inputs but γ), undefined for Adam's step count t. */
  arrays: readonly (Float32Array | undefined)[];
  /** Where each output goes. */
  targets: readonly Float32Array[];
  /** γ, a float32 value. */
  lr: number;
  /** Adam's coefficients [a, e, decay?], float32 values. */
  coefficients: readonly number[];
}

/** Runs one update block by block through {@link BlockMath}. */
function runBlocks({ name, attrs, arrays, targets, lr, coefficients }: UpdateArrays): void {
  const size = targets[0]?.length ?? 0;
  const M = new BlockMath();
  const out: Float32Array[] = [];
  for (let start = 0; start < size; start += BLOCK) {
    const n = Math.min(BLOCK, size - start);
    M.reset(n);
    const block = arrays.map((x) => (x === undefined ? 0 : x.subarray(start, start + n)));
    const rule = updateRule(M, name, attrs, block, lr, coefficients);
    out.length = 0;
    for (let k = 0; k < targets.length; k++) {
      const v = rule(k);
      if (typeof v === 'number') throw new RangeError(`${name}: output ${k} is a scalar`);
      out.push(v);
    }
    for (let k = 0; k < targets.length; k++) targets[k].set(out[k], start);
  }
}

/**
 * Runs one update over every element, writing its outputs into `targets`: with WebAssembly SIMD
 * where the engine compiles it, block by block in JavaScript otherwise (`path: 'blocks'` forces
 * the JavaScript path; both write the same bits).
 */
export function runHostUpdate(u: HostUpdate, { path = 'wasm' }: { path?: 'wasm' | 'blocks' } = {}): void {
  const { name, inputs } = u;
  const update: UpdateArrays = {
    name,
    attrs: u.attrs,
    // (Adam's t is read by the coefficients only.)
    arrays: inputs.slice(0, -1).map((x, i) => (name === 'adamUpdate' && i === 4 ? undefined : (x as Float32Array))),
    targets: u.targets,
    lr: (inputs[inputs.length - 1] as Float32Array)[0],
    coefficients: (u.coefficients ?? []).map(Math.fround),
  };
  if (path === 'wasm' && runWasmUpdate(update)) return;
  runBlocks(update);
}
