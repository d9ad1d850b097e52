/**
 * The kernel contract: every kernel name mapped to its inputs and attributes.
 *
 * Core validates arguments and computes the output shape and dtype before dispatch, so a
 * kernel only computes values: it receives its inputs, its attributes and the output's
 * shape and dtype, and returns a new handle. Broadcasting, reduced shapes and transposed
 * shapes are already resolved in `out.shape`.
 */
import type { Backend } from '../backend.js';
import type { DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Shape } from '../shape.js';

/** An opaque reference to storage owned by a backend. */
export type Handle = object;

/** A kernel input: a handle with its shape and dtype. */
export interface TensorInfo {
  readonly handle: Handle;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** The output a kernel must produce. */
export interface OutputInfo {
  readonly shape: Shape;
  readonly dtype: DType;
}

type Unary = { inputs: [x: TensorInfo]; attrs: Record<string, never> };
type Binary = { inputs: [a: TensorInfo, b: TensorInfo]; attrs: Record<string, never> };
type Reduce = { inputs: [x: TensorInfo]; attrs: { axes: readonly number[] } };
type ArgReduce = { inputs: [x: TensorInfo]; attrs: { axis: number } };

/** The required kernels. A backend that implements all of them can train every model. */
export interface RequiredKernelSpec {
  /** −x */ neg: Unary;
  /** |x| */ abs: Unary;
  /** eˣ */ exp: Unary;
  /** ln x */ log: Unary;
  /** ln(1 + x), accurate near 0 */ log1p: Unary;
  /** √x */ sqrt: Unary;
  /** 1/x */ reciprocal: Unary;
  /** tanh x */ tanh: Unary;
  /** 1/(1 + e⁻ˣ), without overflow */ sigmoid: Unary;
  /** sin x */ sin: Unary;
  /** cos x */ cos: Unary;
  /** ⌊x⌋ */ floor: Unary;
  /** a + b, broadcasting */ add: Binary;
  /** a − b, broadcasting */ sub: Binary;
  /** a · b, broadcasting */ mul: Binary;
  /** a / b, broadcasting (int32: truncated toward zero) */ div: Binary;
  /** aᵇ, broadcasting */ pow: Binary;
  /** max(a, b), NaN-propagating */ maximum: Binary;
  /** min(a, b), NaN-propagating */ minimum: Binary;
  /** a = b → bool */ equal: Binary;
  /** a ≠ b → bool */ notEqual: Binary;
  /** a > b → bool */ greater: Binary;
  /** a ≥ b → bool */ greaterEqual: Binary;
  /** a < b → bool */ less: Binary;
  /** a ≤ b → bool */ lessEqual: Binary;
  /** cond ? a : b, broadcasting all three */ where: {
    inputs: [cond: TensorInfo, a: TensorInfo, b: TensorInfo];
    attrs: Record<string, never>;
  };
  /** Σ over `axes` (removed from the output shape) */ sum: Reduce;
  /** max over `axes`, NaN-propagating */ max: Reduce;
  /** min over `axes`, NaN-propagating */ min: Reduce;
  /** index of the first maximum along `axis` → int32 (NaN counts as the maximum) */ argmax: ArgReduce;
  /** index of the first minimum along `axis` → int32 (NaN counts as the minimum) */ argmin: ArgReduce;
  /** Batched matrix product over the last two axes; batch axes broadcast. */
  matmul: { inputs: [a: TensorInfo, b: TensorInfo]; attrs: { transposeA: boolean; transposeB: boolean } };
  /** Takes slices of x at int32 `indices` along `axis`; out.shape = x.shape[:axis] + indices.shape + x.shape[axis+1:]. */
  gather: { inputs: [x: TensorInfo, indices: TensorInfo]; attrs: { axis: number } };
  /** The adjoint of gather: zeros of out.shape, then adds `updates` at `indices` along `axis`. */
  scatterAdd: { inputs: [updates: TensorInfo, indices: TensorInfo]; attrs: { axis: number } };
  /** The box starting at `begin` with extent out.shape. */
  slice: { inputs: [x: TensorInfo]; attrs: { begin: readonly number[] } };
  /** Joins inputs along `axis`. */
  concat: { inputs: TensorInfo[]; attrs: { axis: number } };
  /** Permutes axes: out.shape[i] = x.shape[perm[i]]. */
  transpose: { inputs: [x: TensorInfo]; attrs: { perm: readonly number[] } };
  /** Repeats x (right-aligned, size-1 axes stretched) to out.shape. */
  broadcastTo: Unary;
  /** Pads each axis by [before, after] elements of `value`. */
  pad: { inputs: [x: TensorInfo]; attrs: { paddings: readonly (readonly [number, number])[]; value: number } };
  /** Converts to out.dtype (float → int32 truncates toward zero; → bool is x ≠ 0). */
  cast: Unary;
  /** A tensor of out.shape and out.dtype filled with `value`. */
  fill: { inputs: []; attrs: { value: number } };
  /**
   * Uniform floats in [0, 1) from Philox-4x32-10: element i is word i mod 4 of the block
   * with counter (offset + ⌊i/4⌋, 0, 0, 0) under `key`, mapped as (word >>> 8)·2⁻²⁴.
   * Every backend must produce exactly `philoxUniform` (core/random/philox.ts).
   */
  randomUniform: { inputs: []; attrs: { key: readonly [number, number]; offset: number } };
}

/**
 * Activations the fused dense kernel once took.
 * @deprecated The `dense` kernel computes x·W + b only (layers never sent another activation);
 * this type goes away in the next minor version.
 */
export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/** Optional kernels a backend may add for speed. Core has a composed fallback for each. */
export interface OptionalKernelSpec {
  /** softmax along the last axis */
  softmax: Unary;
  /** log-softmax along the last axis */
  logSoftmax: Unary;
  /** Per-row −log softmax(logits)[label] for logits [N, C] and int32 labels [N] → float32 [N]. */
  softmaxCrossEntropy: { inputs: [logits: TensorInfo, labels: TensorInfo]; attrs: Record<string, never> };
  /**
   * The gradient of the batch-mean softmax cross-entropy with respect to float32 logits [N, C],
   * for int32 labels [N] (each in [0, C)) and the float32 scalar cotangent dy:
   * ((softmax(logits) − onehot(labels)) / N)·dy, each step rounded to float32 in that order
   * (core's composition) → float32 [N, C].
   */
  softmaxCrossEntropyGrad: {
    inputs: [logits: TensorInfo, labels: TensorInfo, dy: TensorInfo];
    attrs: Record<string, never>;
  };
  /** x·W + b for x [N, I], W [I, O], b [O] (a fully connected layer in one pass). */
  dense: { inputs: [x: TensorInfo, w: TensorInfo, b: TensorInfo]; attrs: Record<string, never> };
  /**
   * One SGD step (momentum, dampening, Nesterov, coupled weight decay) on same-shaped float32
   * tensors; inputs [param, grad, momentumBuffer?, lr] (lr: the float32 scalar γ, an input so a
   * schedule changes it without changing a compiled graph); outputs [param′, momentumBuffer′
   * (when momentum > 0)].
   */
  sgdUpdate: { inputs: TensorInfo[]; attrs: SgdUpdateAttrs; outputs: 'many' };
  /**
   * One Adam / AdamW / AMSGrad step, PyTorch's (ε outside the root; the lecture's δ inside is
   * composed by the optimizers package); inputs [param, grad, expAvg, expAvgSq, step, maxExpAvgSq?,
   * lr] (step: the int32 scalar t of this update, from 1; lr: the float32 scalar γ — both read on
   * the backend so a traced step freezes neither); outputs [param′, expAvg′, expAvgSq′,
   * maxExpAvgSq′ (amsgrad)].
   */
  adamUpdate: { inputs: TensorInfo[]; attrs: AdamUpdateAttrs; outputs: 'many' };
  /**
   * One RMSProp or AdaGrad step (the squared-gradient accumulators): inputs [param, grad,
   * squareAvg, gradAvg (centered), momentumBuffer (momentum > 0), lr (float32 scalar γ)];
   * outputs [param′, squareAvg′, gradAvg′ (centered), momentumBuffer′ (momentum > 0)].
   */
  rmspropUpdate: { inputs: TensorInfo[]; attrs: RmspropUpdateAttrs; outputs: 'many' };
  /**
   * One float32 flag per float32 input, of any shape: 0 when every element of that input is
   * finite, NaN otherwise; output [inputs.length]. A training step checks its loss and every
   * gradient with it: one dispatch, one read of each.
   */
  finiteFlags: { inputs: TensorInfo[]; attrs: Record<string, never> };
  /**
   * ReLU as a select on float32: 0 where x ≤ 0, x elsewhere, so NaN stays NaN and −0 gives +0
   * (what `where(x ≤ 0, 0, x)` gives).
   */
  relu: Unary;
  /**
   * ReLU's gradient: dy where x > 0, +0 elsewhere (NaN x gives 0), for float32 x and dy of one
   * shape (what `where(x > 0, dy, 0)` gives).
   */
  reluGrad: { inputs: [x: TensorInfo, dy: TensorInfo]; attrs: Record<string, never> };
}

/** Attributes of the fused `sgdUpdate` kernel (PyTorch's SGD; inputs [param, grad, momentumBuffer?, lr]). */
export interface SgdUpdateAttrs {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** True when there is no momentum buffer yet (b₁ = g). */
  firstStep: boolean;
}

/**
 * Attributes of the fused `adamUpdate` kernel (inputs [param, grad, expAvg, expAvgSq, step,
 * maxExpAvgSq?, lr]; the step count t and the learning rate γ are inputs, not attributes).
 */
export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW's decoupled decay (θ ← θ − γλθ) instead of the coupled g + λθ. */
  decoupled: boolean;
  amsgrad: boolean;
}

/**
 * Attributes of the fused `rmspropUpdate` kernel, PyTorch's RMSprop and Adagrad: g ← g + λθ;
 * v′ = decay·v + scale·g² (RMSprop: decay α, scale 1 − α; Adagrad: decay 1, scale 1);
 * `centered`: ḡ′ = decay·ḡ + scale·g and d = √(v′ − ḡ′²) + ε, else d = √v′ + ε;
 * `momentum` μ > 0: b′ = μb + g/d and θ′ = θ − γb′, else θ′ = θ − γg/d. γ is the last input.
 */
export interface RmspropUpdateAttrs {
  decay: number;
  scale: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

/** The fused optimizer-update kernels, which a backend may also run in place (`Backend.updateInPlace`). */
export type UpdateKernelName = 'sgdUpdate' | 'adamUpdate' | 'rmspropUpdate';

/**
 * The input positions a fused update writes when it runs in place, in output order: θ and each
 * state input, i.e. every input but the gradient (1), Adam's step count (4) and γ (the last).
 *
 * @example
 * ```ts
 * import { updateWrittenInputs } from '@backprop/core';
 *
 * console.log(updateWrittenInputs('adamUpdate', 6)); // [0, 2, 3]: θ, m, v of [θ, g, m, v, t, γ]
 * ```
 */
export function updateWrittenInputs(name: UpdateKernelName, count: number): number[] {
  const least = { sgdUpdate: 3, adamUpdate: 6, rmspropUpdate: 4 }[name];
  if (least === undefined)
    throw new ValueError(
      `updateWrittenInputs: name must be sgdUpdate, adamUpdate or rmspropUpdate, got ${String(name)}`,
    );
  if (!Number.isSafeInteger(count) || count < least)
    throw new ValueError(`updateWrittenInputs: ${name} takes at least ${least} inputs, got ${String(count)}`);
  // A plain loop: this runs for every parameter of every in-place step (Array.from with a filter cost a tenth of it).
  const written: number[] = [];
  for (let i = 0; i < count; i++)
    if (i !== 1 && i !== count - 1 && !(name === 'adamUpdate' && i === 4)) written.push(i);
  return written;
}

/** Each fused update kernel's attributes. */
export interface UpdateKernelAttrs {
  sgdUpdate: SgdUpdateAttrs;
  adamUpdate: AdamUpdateAttrs;
  rmspropUpdate: RmspropUpdateAttrs;
}

/** Every kernel a backend can provide. */
export interface KernelSpec extends RequiredKernelSpec, OptionalKernelSpec {}

/** Names of the required kernels. */
export type RequiredKernelName = keyof RequiredKernelSpec;
/** Names of the optional kernels. */
export type OptionalKernelName = keyof OptionalKernelSpec;
/** Every kernel name. */
export type KernelName = keyof KernelSpec;

/** Names of the kernels with several outputs (`outputs: 'many'` in the spec). */
export type MultiOutputKernelName = {
  [K in KernelName]: KernelSpec[K] extends { outputs: 'many' } ? K : never;
}[KernelName];

/**
 * What core tells a kernel about its call: the backend it runs on and the kernel's name, so one
 * function can serve several kernels (a lazy graph records the name) and a kernel can reach its
 * backend's services without the backend wrapping or re-typing its table.
 */
export interface KernelCall {
  readonly backend: Backend;
  readonly name: KernelName;
}

/** A single-output kernel: computes the values of `out` from its inputs and attributes, and returns a new handle. */
export type Kernel<K extends KernelName> = (
  inputs: KernelSpec[K]['inputs'],
  attrs: KernelSpec[K]['attrs'],
  out: OutputInfo,
  call: KernelCall,
) => Handle;

/** A multi-output kernel: one OutputInfo per output in, one new handle per output back. */
export type MultiKernel<K extends MultiOutputKernelName> = (
  inputs: KernelSpec[K]['inputs'],
  attrs: KernelSpec[K]['attrs'],
  outs: readonly OutputInfo[],
  call: KernelCall,
) => Handle[];

/** A table of every required kernel; fails to compile when one is missing. */
export type RequiredKernels = { [K in RequiredKernelName]: Kernel<K> };
/** A table of any optional kernels. */
export type OptionalKernels = { [K in Exclude<OptionalKernelName, MultiOutputKernelName>]?: Kernel<K> } & {
  [K in MultiOutputKernelName]?: MultiKernel<K>;
};
/** The kernel table of a backend. */
export type KernelTable = RequiredKernels & OptionalKernels;

/** What the spec object says of one kernel. */
export interface KernelInfo {
  /** True for the kernels every backend must provide; false for optional fused ones. */
  readonly required: boolean;
  /** The family, for tables and tests: elementwise `unary` float kernels, `binary`, `compare`, … */
  readonly family:
    | 'unary'
    | 'binary'
    | 'compare'
    | 'select'
    | 'reduce'
    | 'layout'
    | 'index'
    | 'create'
    | 'linear'
    | 'row'
    | 'update';
  /** `'many'` for kernels with several outputs (the fused optimizer updates). */
  readonly outputs?: 'many';
}

/**
 * Every kernel of the contract as data. The name lists below are derived from it, and a type
 * check keeps it in step with {@link KernelSpec} (a kernel added to one and not the other, or
 * required in one and optional in the other, fails to compile).
 */
export const KERNELS = {
  neg: { required: true, family: 'unary' },
  abs: { required: true, family: 'unary' },
  exp: { required: true, family: 'unary' },
  log: { required: true, family: 'unary' },
  log1p: { required: true, family: 'unary' },
  sqrt: { required: true, family: 'unary' },
  reciprocal: { required: true, family: 'unary' },
  tanh: { required: true, family: 'unary' },
  sigmoid: { required: true, family: 'unary' },
  sin: { required: true, family: 'unary' },
  cos: { required: true, family: 'unary' },
  floor: { required: true, family: 'unary' },
  add: { required: true, family: 'binary' },
  sub: { required: true, family: 'binary' },
  mul: { required: true, family: 'binary' },
  div: { required: true, family: 'binary' },
  pow: { required: true, family: 'binary' },
  maximum: { required: true, family: 'binary' },
  minimum: { required: true, family: 'binary' },
  equal: { required: true, family: 'compare' },
  notEqual: { required: true, family: 'compare' },
  greater: { required: true, family: 'compare' },
  greaterEqual: { required: true, family: 'compare' },
  less: { required: true, family: 'compare' },
  lessEqual: { required: true, family: 'compare' },
  where: { required: true, family: 'select' },
  sum: { required: true, family: 'reduce' },
  max: { required: true, family: 'reduce' },
  min: { required: true, family: 'reduce' },
  argmax: { required: true, family: 'reduce' },
  argmin: { required: true, family: 'reduce' },
  matmul: { required: true, family: 'linear' },
  gather: { required: true, family: 'index' },
  scatterAdd: { required: true, family: 'index' },
  slice: { required: true, family: 'layout' },
  concat: { required: true, family: 'layout' },
  transpose: { required: true, family: 'layout' },
  broadcastTo: { required: true, family: 'layout' },
  pad: { required: true, family: 'layout' },
  cast: { required: true, family: 'layout' },
  fill: { required: true, family: 'create' },
  randomUniform: { required: true, family: 'create' },
  softmax: { required: false, family: 'row' },
  logSoftmax: { required: false, family: 'row' },
  softmaxCrossEntropy: { required: false, family: 'row' },
  softmaxCrossEntropyGrad: { required: false, family: 'row' },
  dense: { required: false, family: 'linear' },
  sgdUpdate: { required: false, family: 'update', outputs: 'many' },
  adamUpdate: { required: false, family: 'update', outputs: 'many' },
  rmspropUpdate: { required: false, family: 'update', outputs: 'many' },
  finiteFlags: { required: false, family: 'reduce' },
  relu: { required: false, family: 'select' },
  reluGrad: { required: false, family: 'select' },
} as const satisfies Record<KernelName, KernelInfo>;

type Spec = typeof KERNELS;
type NamesWhere<P> = { [K in keyof Spec]: Spec[K] extends P ? K : never }[keyof Spec];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time checks that the spec object and the KernelSpec interface agree.
const specMatches: Same<keyof Spec, KernelName> &
  Same<NamesWhere<{ required: true }>, RequiredKernelName> &
  Same<NamesWhere<{ outputs: 'many' }>, MultiOutputKernelName> = true;
void specMatches;

/** Names of the elementwise unary float kernels. */
export type UnaryKernelName = NamesWhere<{ family: 'unary' }>;

const namesWhere = <K extends KernelName>(test: (info: KernelInfo) => boolean): readonly K[] =>
  (Object.keys(KERNELS) as K[]).filter((k) => test(KERNELS[k]));

/** The elementwise unary float kernels, for backends' and tests' tables. */
export const UNARY_KERNELS: readonly UnaryKernelName[] = namesWhere((i) => i.family === 'unary');

/** The names of the required kernels, for capability checks and the conformance suite. */
export const REQUIRED_KERNELS: readonly RequiredKernelName[] = namesWhere((i) => i.required);

/** The names of the optional kernels (fused: core has a composed fallback for each). */
export const OPTIONAL_KERNELS: readonly OptionalKernelName[] = namesWhere((i) => !i.required);

/** The names of the kernels with several outputs. */
export const MULTI_OUTPUT_KERNELS: readonly MultiOutputKernelName[] = namesWhere((i) => i.outputs === 'many');
