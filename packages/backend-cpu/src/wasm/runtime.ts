/** The WebAssembly SIMD kernels: feature detection, instantiation, and the memory they work in. */
import { WASM_PLAIN_BASE64, WASM_SHARED_BASE64 } from './binary.js';

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
  ): void;
  binary(op: number, a: number, b: number, y: number, n: number, mode: number): void;
  unary(op: number, x: number, y: number, n: number): void;
}

/** Bytes at the start of memory left unused (the module has no static data; this keeps address 0 invalid). */
export const ARENA_BASE = 65536;
const PAGE = 65536;
/** The module's declared maximum memory: 32768 pages = 2 GiB. */
const MAX_PAGES = 32768;

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

/** One instance of the SIMD module with its memory, which operands are copied into per call. */
export class WasmRuntime {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly exports: WasmExports;
  private view: Float32Array;

  /** Instantiates the module; `shared` picks the shared-memory build (needed for threads). */
  constructor(shared: boolean) {
    this.module = new WebAssembly.Module(decode(shared ? WASM_SHARED_BASE64 : WASM_PLAIN_BASE64));
    this.memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared });
    const instance = new WebAssembly.Instance(this.module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as WasmExports;
    this.view = new Float32Array(this.memory.buffer);
  }

  /** Grows the memory so that bytes [0, end) exist, and returns the float view of all of it. */
  floats(end = 0): Float32Array {
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) throw new RangeError(`cpu: the SIMD arena cannot grow to ${end} bytes`);
      this.memory.grow(pages);
    }
    if (this.view.buffer !== this.memory.buffer || this.view.byteLength !== this.memory.buffer.byteLength) {
      this.view = new Float32Array(this.memory.buffer);
    }
    return this.view;
  }
}
