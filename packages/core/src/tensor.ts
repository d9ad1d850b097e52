/** Tensor: an immutable, reference-counted handle to values on a backend, with chainable ops. */

import type { Backend } from './backend.js';
import { brandOf } from './copies.js';
import type { DType, TypedArray } from './dtype.js';
import { BackendError, DisposedError, formatShape } from './errors.js';
import * as ops from './ops/index.js';
import { type Shape, sizeOf } from './shape.js';

let nextId = 1;
let liveTensors = 0;

/**
 * Storage shared by tensors that are views of one buffer (reshape shares it).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { reshape, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const x = tensor([1, 2, 3, 4]);
 * const y = reshape(x, [2, 2]);
 * console.log(x.ref === y.ref, x.ref.refs); // true 2: a reshape is a view of the same storage
 * ```
 */
export class DataRef {
  refs = 0;
  /**
   * @internal Views held only by a training step's snapshot, which restores them exactly when
   * the step's guard trips (the one case in which guarded in-place updates write nothing).
   */
  guardedViews = 0;
  /** @internal True while an in-place update of this storage is queued and not yet committed. */
  pendingUpdate = false;
  /**
   * @internal A copy of the int32 values written from the host onto a backend that cannot read
   * synchronously (webgpu): indices and labels, so the ops' range checks run there too.
   */
  hostCopy?: Int32Array;
  constructor(
    readonly backend: Backend,
    readonly handle: object,
    readonly bytes: number,
  ) {}
}

/**
 * A value that ops accept where a tensor goes: a tensor or a JavaScript number. A number used
 * with a tensor takes that tensor's dtype, so it must be exactly a value of it: any number with
 * float32 (rounded to float32), an integer in [−2³¹, 2³¹ − 1] with int32, 0 or 1 with bool.
 * Anything else is a DTypeError rather than a silently changed number (`mul(int32, 0.5)` would
 * multiply by 0, `less(int32, 3e9)` compare with a wrapped −1294967296): cast the tensor first,
 * `mul(cast(x, 'float32'), 0.5)`. PyTorch promotes an integer tensor to float32 there instead;
 * Backprop asks, because float32 cannot hold every int32 (above 2²⁴ it rounds), so a promoted
 * comparison could still answer wrongly.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { cast, mul, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const n = tensor([3, 4], [2], 'int32');
 * console.log(await mul(n, 2).data()); // Int32Array [6, 8]
 * console.log(await mul(cast(n, 'float32'), 0.5).data()); // Float32Array [1.5, 2]; mul(n, 0.5) is a DTypeError
 * ```
 */
export type TensorLike = Tensor | number;

/**
 * Number of tensors created and not yet disposed.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { liveTensorCount, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const before = liveTensorCount();
 * tensor([1]).dispose();
 * console.log(liveTensorCount() - before); // 0: no leak
 * ```
 */
export function liveTensorCount(): number {
  return liveTensors;
}

const disposeSymbol: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');

/**
 * An n-dimensional array on a backend. Tensors are immutable: every op returns a new one.
 * Free them with `dispose()`, a `using` declaration, or by running the code inside `tidy`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const x = tensor([[1, 2], [3, 4]]); // a Tensor: immutable, on the current backend
 * const y = x.mul(2).add(1).sum(1); // the ops as methods
 * console.log(y.shape, y.dtype, await y.data()); // [2] 'float32' Float32Array [8, 16]
 * x.dispose();
 * ```
 */
export class Tensor {
  /** Unique id (used by gradient tapes). */
  readonly id = nextId++;
  /** Number of elements. */
  readonly size: number;
  /** True once disposed. */
  disposed = false;
  /** Set by `keep()`: no scope will dispose this tensor. */
  kept = false;

  /** @internal */
  constructor(
    /** @internal */ readonly ref: DataRef,
    readonly shape: Shape,
    readonly dtype: DType,
  ) {
    ref.refs++;
    this.size = sizeOf(shape);
    liveTensors++;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** Throws a DisposedError naming `op` if this tensor was disposed. */
  assertLive(op: string): void {
    if (this.disposed) throw new DisposedError(`${op}: tensor #${this.id} ${formatShape(this.shape)} was disposed`);
  }

  /** Throws if disposed, or if an in-place update of its storage is queued (its values are about to change). */
  private assertReadable(op: string): void {
    this.assertLive(op);
    if (this.ref.pendingUpdate)
      throw new BackendError(
        `${op}: tensor #${this.id} ${formatShape(this.shape)} has an in-place update queued; read it after the updates commit`,
      );
  }

  /** Reads the values (a fresh copy). */
  async data(): Promise<TypedArray> {
    this.assertReadable('data');
    return this.ref.backend.read(this.ref.handle, this.shape, this.dtype);
  }

  /** Reads the values synchronously; throws where the backend can only read asynchronously. */
  dataSync(): TypedArray {
    this.assertReadable('dataSync');
    const b = this.ref.backend;
    if (!b.readSync)
      throw new BackendError(`dataSync: backend "${b.name}" reads asynchronously; use \`await t.data()\``);
    return b.readSync(this.ref.handle, this.shape, this.dtype);
  }

  /** Reads the values as nested arrays (numbers; bool as 0/1). */
  async array(): Promise<unknown> {
    return nest(Array.from(await this.data()), this.shape);
  }

  /** Reads the only value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1)
      throw new BackendError(`item: expected a tensor of one element, got ${formatShape(this.shape)}`);
    return (await this.data())[0];
  }

  /** Frees this tensor; the storage goes when no view of it is left. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    liveTensors--;
    if (--this.ref.refs === 0) this.ref.backend.dispose(this.ref.handle);
  }

  [disposeSymbol](): void {
    this.dispose();
  }

  toString(): string {
    return `Tensor#${this.id}(${this.dtype}${formatShape(this.shape)}${this.disposed ? ', disposed' : ''})`;
  }

  add(b: TensorLike): Tensor {
    return ops.add(this, b);
  }
  sub(b: TensorLike): Tensor {
    return ops.sub(this, b);
  }
  mul(b: TensorLike): Tensor {
    return ops.mul(this, b);
  }
  div(b: TensorLike): Tensor {
    return ops.div(this, b);
  }
  pow(b: TensorLike): Tensor {
    return ops.pow(this, b);
  }
  maximum(b: TensorLike): Tensor {
    return ops.maximum(this, b);
  }
  minimum(b: TensorLike): Tensor {
    return ops.minimum(this, b);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  equal(b: TensorLike): Tensor {
    return ops.equal(this, b);
  }
  greater(b: TensorLike): Tensor {
    return ops.greater(this, b);
  }
  less(b: TensorLike): Tensor {
    return ops.less(this, b);
  }
  matmul(b: Tensor, o?: ops.MatmulOptions): Tensor {
    return ops.matmul(this, b, o);
  }
  sum(axes?: number | number[], keepDims = false): Tensor {
    return ops.sum(this, axes, keepDims);
  }
  mean(axes?: number | number[], keepDims = false): Tensor {
    return ops.mean(this, axes, keepDims);
  }
  max(axes?: number | number[], keepDims = false): Tensor {
    return ops.max(this, axes, keepDims);
  }
  min(axes?: number | number[], keepDims = false): Tensor {
    return ops.min(this, axes, keepDims);
  }
  argmax(axis = -1): Tensor {
    return ops.argmax(this, axis);
  }
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
  softmax(): Tensor {
    return ops.softmax(this);
  }
  logSoftmax(): Tensor {
    return ops.logSoftmax(this);
  }
}

function nest(values: number[], shape: Shape): unknown {
  if (shape.length === 0) return values[0];
  const [d, ...rest] = shape;
  const inner = sizeOf(rest);
  return Array.from({ length: d }, (_, i) => nest(values.slice(i * inner, (i + 1) * inner), rest));
}

// The brand every copy of @backprop/core recognises (see copies.ts).
Object.defineProperty(Tensor.prototype, brandOf('Tensor'), { value: true });
