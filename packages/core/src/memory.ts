/** Memory management: tidy scopes and the memory report. */

import { isRecording } from './autograd/tape.js';
import { endScope, getBackend, keep, startScope } from './engine.js';
import { BackpropError } from './errors.js';
import { liveTensorCount, Tensor } from './tensor.js';

function collect(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (value instanceof Tensor) into.add(value);
  else if (depth < 8 && Array.isArray(value)) for (const v of value) collect(v, into, depth + 1);
  else if (depth < 8 && value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, into, depth + 1);
  }
}

/**
 * Runs `fn` and disposes every tensor it made except those it returns (found in arrays and
 * plain objects). Inside a gradient computation, disposal waits until the gradients exist.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { add, liveTensorCount, mul, setBackend, tensor, tidy } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const x = tensor([1, 2]);
 * const y = tidy(() => add(mul(x, 2), 1)); // the intermediate mul(x, 2) is freed, y is returned
 * console.log(liveTensorCount()); // 2: x and y
 * ```
 */
export function tidy<T>(fn: () => T): T {
  startScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    endScope(new Set(), isRecording());
    throw e;
  }
  if (result instanceof Promise) {
    endScope(new Set(), isRecording());
    throw new BackpropError(
      'tidy: the function must be synchronous; await outside tidy and tidy each synchronous step',
    );
  }
  const kept = new Set<Tensor>();
  collect(result, kept);
  endScope(kept, isRecording());
  return result;
}

/**
 * Disposes every tensor found in `value` (a tensor, arrays, plain objects).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { dispose, liveTensorCount, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const parts = { a: tensor([1]), b: [tensor([2]), tensor([3])] };
 * dispose(parts); // every tensor inside, however nested
 * console.log(liveTensorCount()); // 0
 * ```
 */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collect(value, found);
  for (const t of found) t.dispose();
}

/** What is allocated now: live tensors and the backend's own report. */
export interface MemoryReport {
  tensors: number;
  handles: number;
  bytes: number;
  peakBytes?: number;
  /** Bytes the backend holds from its host for storage, where it reports it (see `MemoryInfo.reservedBytes`). */
  reservedBytes?: number;
  backend: string;
}

/**
 * Reports live tensors and the current backend's handles and bytes.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { memory, setBackend, zeros } from '@backprop/core';
 *
 * await setBackend(cpu());
 * zeros([256, 256]);
 * console.log(memory().tensors); // 1
 * ```
 */
export function memory(): MemoryReport {
  const b = getBackend();
  const m = b.memory();
  const report: MemoryReport = { tensors: liveTensorCount(), handles: m.handles, bytes: m.bytes, backend: b.name };
  if (m.peakBytes !== undefined) report.peakBytes = m.peakBytes;
  if (m.reservedBytes !== undefined) report.reservedBytes = m.reservedBytes;
  return report;
}

export { keep };
