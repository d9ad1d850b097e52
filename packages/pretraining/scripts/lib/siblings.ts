/**
 * Workspace packages the experiment scripts load only when a run asks for them (devDependencies
 * of this package): tuning, regularizers, and the ONNX and WebGPU backends, which bring native
 * runtimes (onnxruntime-node, Dawn) that a CPU run need not load.
 */
import type * as BackendOnnx from '@backprop/backend-onnx';
import type * as BackendWebgpu from '@backprop/backend-webgpu';
import type * as Regularizers from '@backprop/regularizers';
import type * as Tuning from '@backprop/tuning';

/** `@backprop/tuning`. */
export const loadTuning = (): Promise<typeof Tuning> => import('@backprop/tuning');
/** `@backprop/regularizers`. */
export const loadRegularizers = (): Promise<typeof Regularizers> => import('@backprop/regularizers');
/** `@backprop/backend-onnx` (loads onnxruntime-node). */
export const loadOnnx = (): Promise<typeof BackendOnnx> => import('@backprop/backend-onnx');
/** `@backprop/backend-webgpu` (loads the `webgpu` package, Dawn). */
export const loadWebgpu = (): Promise<typeof BackendWebgpu> => import('@backprop/backend-webgpu');

export type { EarlyStopping } from '@backprop/regularizers';
export type { TrialResult } from '@backprop/tuning';
