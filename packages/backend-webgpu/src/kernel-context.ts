/** What a kernel factory receives: the GPU context and a way to allocate tracked outputs. */
import type { Kernel, KernelName, OutputInfo } from '@backprop/core';
import type { GpuContext } from './gpu-context.js';
import type { GpuHandle } from './handle.js';

/** The backend services a kernel uses. */
export interface KernelContext {
  readonly gpu: GpuContext;
  /** A new handle for `out`, counted in the backend's memory; its buffer may hold stale data. */
  output(out: OutputInfo): GpuHandle;
}

/** Builds a kernel bound to one backend. */
export type KernelFactory<K extends KernelName> = (k: KernelContext) => Kernel<K>;
