/**
 * Workspace packages the experiment scripts use but `@backprop/pretraining` does not list as
 * dependencies (tuning, regularizers, the ONNX and WebGPU backends). They are imported from
 * their build output by path, relative to this file's compiled location
 * (`dist/scripts/lib/siblings.js` → `packages/<name>/dist/index.js`); the types come from the
 * same files' declarations. Listing them as devDependencies would let plain imports replace this.
 */
import type * as BackendOnnx from '../../../backend-onnx/dist/index.js';
import type * as BackendWebgpu from '../../../backend-webgpu/dist/index.js';
import type * as Regularizers from '../../../regularizers/dist/index.js';
import type * as Tuning from '../../../tuning/dist/index.js';

const at = (name: string) => new URL(`../../../../${name}/dist/index.js`, import.meta.url).href;

/** `@backprop/tuning`. */
export const loadTuning = (): Promise<typeof Tuning> => import(at('tuning'));
/** `@backprop/regularizers`. */
export const loadRegularizers = (): Promise<typeof Regularizers> => import(at('regularizers'));
/** `@backprop/backend-onnx` (loads onnxruntime-node). */
export const loadOnnx = (): Promise<typeof BackendOnnx> => import(at('backend-onnx'));
/** `@backprop/backend-webgpu` (loads the `webgpu` package, Dawn). */
export const loadWebgpu = (): Promise<typeof BackendWebgpu> => import(at('backend-webgpu'));

export type { EarlyStopping } from '../../../regularizers/dist/index.js';
export type { TrialResult } from '../../../tuning/dist/index.js';
