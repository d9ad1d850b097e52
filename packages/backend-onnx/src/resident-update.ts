/**
 * Update targets resident in WebAssembly memory. The first time an update is written in place,
 * its parameter and state arrays (θ, m and v for Adam) move into one `WebAssembly.Memory` of
 * their own, which never grows, so views of it stay valid; ONNX Runtime reads them there from
 * then on, and the update's SIMD function reads and writes them where they live. Only the
 * gradient, which ONNX Runtime wrote into a buffer of its own, is copied in, one block at a time.
 * Against copying every array into the module's memory and the results back out, the Adam
 * update of MLP 784-512-512-10's 669,706 parameters moves a seventh of the bytes through copies.
 */
import { type UpdateArrays, updateWrittenInputs } from '@backprop/core';
import { BLOCK, type UpdateFunction, updateModule } from './wasm-update.js';

/** Arrays moved together into one memory, with a block of scratch for an input that lives elsewhere. */
interface Group {
  readonly memory: WebAssembly.Memory;
  /** The resident arrays, in the order they were given (an update's targets). */
  readonly views: readonly Float32Array[];
  /** Byte address of the scratch block. */
  readonly scratch: number;
  /** The update functions instantiated over this memory, by module. */
  readonly functions: Map<WebAssembly.Module, UpdateFunction>;
}

/** The group of each resident array. */
const groups = new WeakMap<Float32Array, Group>();

/** Elements rounded up to whole vectors of four. */
const vectors = (n: number) => Math.ceil(n / 4) * 4;

/**
 * Copies `arrays` (equal lengths) into a new memory of their own and returns the copies, in
 * order; undefined, copying nothing, when the lengths differ or the memory cannot be made. Each
 * copy starts at a 64-byte boundary (a cache line) and is followed by padding to the next one,
 * which the update's last vector may write.
 */
export function makeResident(arrays: readonly Float32Array[]): Float32Array[] | undefined {
  const n = arrays[0]?.length ?? 0;
  if (n === 0 || arrays.some((a) => a.length !== n)) return undefined;
  // Whole cache lines per array (64 bytes), which also covers the last vector's padding.
  const slot = Math.ceil((n * 4) / 64) * 64;
  const scratch = arrays.length * slot;
  const bytes = scratch + vectors(Math.min(BLOCK, n)) * 4;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536), maximum: Math.ceil(bytes / 65536) });
  } catch {
    return undefined;
  }
  const views = arrays.map((a, i) => {
    const v = new Float32Array(memory.buffer, i * slot, n);
    v.set(a);
    return v;
  });
  const group: Group = { memory, views, scratch, functions: new Map() };
  for (const v of views) groups.set(v, group);
  return views;
}

/** The arrays resident in one memory with `array` (itself among them), or undefined when it is not resident. */
export function residentArrays(array: Float32Array): readonly Float32Array[] | undefined {
  return groups.get(array)?.views;
}

/** The group whose arrays are, in order, exactly `arrays`; undefined when there is none. */
function groupOf(arrays: readonly Float32Array[]): Group | undefined {
  const group = arrays[0] && groups.get(arrays[0]);
  return group && group.views.length === arrays.length && arrays.every((a, i) => group.views[i] === a)
    ? group
    : undefined;
}

/** True when `arrays` are, in order, every array of one resident group. */
export function isResident(arrays: readonly Float32Array[]): boolean {
  return groupOf(arrays) !== undefined;
}

/**
 * Runs `update` where its arrays live, when it is written in place into one resident group
 * (each written input is its own target) and reads at most one other array (the gradient):
 * that array is copied into the group's scratch block by block, nothing is copied out. Returns
 * false, having done nothing, otherwise or when this engine cannot compile the update.
 */
export function runResidentUpdate({ name, attrs, arrays, targets, lr, coefficients }: UpdateArrays): boolean {
  const group = groupOf(targets);
  if (!group) return false;
  const written = updateWrittenInputs(name, arrays.length + 1);
  if (written.length !== targets.length || written.some((k, j) => arrays[k] !== targets[j])) return false;
  const elsewhere = arrays.flatMap((x, k) => (x !== undefined && !written.includes(k) ? [k] : []));
  if (elsewhere.length > 1) return false;
  const present = arrays.map((x) => x !== undefined);
  const module = updateModule(name, attrs, present, targets.length, 'pointers');
  if (!module) return false;
  let run = group.functions.get(module);
  if (!run) {
    try {
      run = new WebAssembly.Instance(module, { env: { memory: group.memory } }).exports.run as UpdateFunction;
    } catch {
      return false; // (the caller copies through a module of its own instead)
    }
    group.functions.set(module, run);
  }
  const heap = new Float32Array(group.memory.buffer);
  const size = targets[0].length;
  const [c0 = 0, c1 = 0, c2 = 0] = coefficients;
  const pointers = new Array<number>(arrays.length + targets.length).fill(0);
  for (let start = 0; start < size; start += BLOCK) {
    const n = Math.min(BLOCK, size - start);
    arrays.forEach((x, k) => {
      if (x === undefined) return;
      const j = written.indexOf(k);
      if (j >= 0) pointers[k] = targets[j].byteOffset + 4 * start;
      else {
        heap.set(x.subarray(start, start + n), group.scratch / 4);
        pointers[k] = group.scratch;
      }
    });
    targets.forEach((t, j) => (pointers[arrays.length + j] = t.byteOffset + 4 * start));
    // Whole vectors: the last one's lanes past the end fall in the padding after each array.
    run(vectors(n) * 4, lr, c0, c1, c2, ...pointers);
  }
  return true;
}
