/** OnnxHandle: the backend's storage handle — a value held by ONNX Runtime, or a pending node of the lazy graph. */
import type { DType, KernelName, Shape } from '@backprop/core';
import type { Tensor as OrtTensor } from 'onnxruntime-common';

/** How a pending node reads one input: the producing handle, viewed with this shape (reshape is metadata in core). */
export interface HandleInput {
  readonly node: OnnxHandle;
  readonly shape: Shape;
}

let nextId = 0;

/**
 * A tensor's storage. A leaf holds an ONNX Runtime tensor (written from the host or
 * produced by a run); a pending node holds the kernel, attributes and inputs that compute
 * it, and becomes a leaf when a read or `sync` runs the accumulated graph.
 */
export class OnnxHandle {
  /** Creation order, which is also a topological order of the lazy graph. */
  readonly id = nextId++;
  /** The computed value, once known. */
  value: OrtTensor | undefined;
  /** True once core freed this handle. */
  disposed = false;
  /** Why a queued run that was to compute this handle failed. */
  error: unknown;
  /** Pending nodes that still read this handle; its value is kept until they are computed. */
  users = 0;
  /** Updates queued to write into this value in place and not yet written (reads wait for them). */
  writes = 0;
  /** True when another handle may hold the same host array (an update in place copies it first). */
  sharesData = false;

  constructor(
    /** The kernel that computes this node; null for leaves. */
    readonly kernel: KernelName | null,
    readonly attrs: object,
    /** Inputs of a pending node; emptied once the value is known so the graph can be collected. */
    public inputs: readonly HandleInput[],
    readonly shape: Shape,
    readonly dtype: DType,
  ) {
    for (const { node } of inputs) node.users++;
  }

  /** True while the value is still to be computed. */
  get pending(): boolean {
    return this.value === undefined && this.kernel !== null;
  }

  /** Bytes the value takes. */
  get bytes(): number {
    return this.shape.reduce((a, d) => a * d, 1) * (this.dtype === 'bool' ? 1 : 4);
  }

  /** Stores the computed value and drops the references to inputs. */
  resolve(value: OrtTensor): void {
    this.value = value;
    this.dropInputs();
  }

  /** Stores a value computed for this handle, freeing it at once if core already let go of it. */
  settle(value: OrtTensor): void {
    this.resolve(value);
    if (this.disposed && this.users === 0) this.release();
  }

  /** Forgets the inputs; an input that core freed and nobody else reads is released. */
  dropInputs(): void {
    const inputs = this.inputs;
    this.inputs = [];
    for (const { node } of inputs) if (--node.users === 0 && node.disposed) node.release();
  }

  /** Frees the value (GPU buffers at once) and the inputs of a node that will never be computed. */
  release(): void {
    if (this.value && this.value.location !== 'cpu') this.value.dispose();
    this.value = undefined;
    this.dropInputs();
  }
}
