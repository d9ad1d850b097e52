/** The WebAssembly SIMD kernels: feature detection and instantiation on the backend's heap. */
import type { Heap } from '../memory/heap.js';
import {
  WASM_PLAIN_BASE64,
  WASM_PLAIN_RELAXED_BASE64,
  WASM_SHARED_BASE64,
  WASM_SHARED_RELAXED_BASE64,
} from './binary.js';

/** The exported kernels of the module (pointers are byte offsets, strides are in floats). */
export interface WasmExports {
  gemm(
    a: number,
    aRs: number,
    aCs: number,
    b: number,
    bRs: number,
    bCs: number,
    c: number,
    ldc: number,
    k: number,
    i0: number,
    i1: number,
    j0: number,
    j1: number,
    pack: number,
    accumulate: number,
  ): void;
  binary(op: number, a: number, b: number, y: number, n: number, mode: number): void;
  binaryRows(op: number, a: number, b: number, y: number, cols: number, r0: number, r1: number, mode: number): void;
  unary(op: number, x: number, y: number, n: number): void;
  unaryMath(op: number, x: number, y: number, i0: number, i1: number): void;
  compare(op: number, a: number, b: number, y: number, i0: number, i1: number, mode: number): void;
  select(c: number, a: number, b: number, y: number, i0: number, i1: number, mode: number): void;
  sumRows(x: number, y: number, cols: number, r0: number, r1: number): void;
  sumColumns(x: number, y: number, rows: number, cols: number, c0: number, c1: number): void;
  maxRows(x: number, y: number, cols: number, r0: number, r1: number): void;
  minRows(x: number, y: number, cols: number, r0: number, r1: number): void;
  finiteFlag(x: number, n: number): number;
  softmaxRows(x: number, y: number, cols: number, r0: number, r1: number, log: number): void;
  crossEntropyRows(logits: number, labels: number, y: number, cols: number, r0: number, r1: number): void;
  crossEntropyGradRows(
    logits: number,
    labels: number,
    dy: number,
    y: number,
    cols: number,
    count: number,
    r0: number,
    r1: number,
  ): void;
  gatherRows(
    x: number,
    indices: number,
    y: number,
    m: number,
    n: number,
    rowBytes: number,
    p0: number,
    p1: number,
  ): void;
  scatterAddRows(
    updates: number,
    indices: number,
    acc: number,
    y: number,
    m: number,
    n: number,
    inner: number,
    p0: number,
    p1: number,
  ): void;
  castValues(kind: number, x: number, y: number, i0: number, i1: number): void;
  argRows(x: number, y: number, cols: number, r0: number, r1: number, lowest: number): void;
  sgdStep(args: number, i0: number, i1: number): void;
  adamStep(args: number, i0: number, i1: number): void;
  rmspropStep(args: number, i0: number, i1: number): void;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** True when this engine runs WebAssembly SIMD (checked by validating our own module). */
export function simdAvailable(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(decode(WASM_PLAIN_BASE64));
  } catch {
    return false;
  }
}

/**
 * True when this engine runs relaxed SIMD (Chrome and Edge ≥ 114, Node ≥ 22; Node 20 with
 * `--experimental-wasm-relaxed-simd`), checked by validating our relaxed build.
 *
 * @example
 * ```ts
 * import { cpu, relaxedSimdAvailable } from '@backprop/backend-cpu';
 *
 * console.log(relaxedSimdAvailable()); // false on Node 20 without the flag
 * console.log(cpu().paths.relaxedSimd === relaxedSimdAvailable()); // true: 'auto' uses it where it runs
 * ```
 */
export function relaxedSimdAvailable(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(decode(WASM_PLAIN_RELAXED_BASE64));
  } catch {
    return false;
  }
}

/** True when shared WebAssembly memory works here (Node, or a cross-origin-isolated page or worker). */
export function sharedMemoryAvailable(): boolean {
  try {
    if (typeof SharedArrayBuffer === 'undefined') return false;
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return WebAssembly.validate(decode(WASM_SHARED_BASE64));
  } catch {
    return false;
  }
}

/** One instance of the SIMD module on the backend's heap, where every tensor lives. */
export class WasmRuntime {
  readonly module: WebAssembly.Module;
  readonly exports: WasmExports;

  /**
   * Instantiates the module on `heap`'s memory: the shared-memory build when the heap is shared,
   * the relaxed-SIMD build (fused multiply-adds in matmul) when `relaxed`.
   */
  constructor(
    readonly heap: Heap,
    readonly relaxed = false,
  ) {
    const binary = heap.shared
      ? relaxed
        ? WASM_SHARED_RELAXED_BASE64
        : WASM_SHARED_BASE64
      : relaxed
        ? WASM_PLAIN_RELAXED_BASE64
        : WASM_PLAIN_BASE64;
    this.module = new WebAssembly.Module(decode(binary));
    const instance = new WebAssembly.Instance(this.module, { env: { memory: heap.memory } });
    this.exports = instance.exports as unknown as WasmExports;
  }

  /** The memory the kernels run on. */
  get memory(): WebAssembly.Memory {
    return this.heap.memory;
  }
}
