/** What a matmul computes beyond A·B as each sum is written: nothing, or the dense layer's bias + activation. */
import type { FusedActivation } from '@backprop/core';
import { RELU_WGSL, SIGMOID_WGSL, TANH_WGSL } from './activations.js';

/** An epilogue: WGSL applied to each finished sum `v` of output column `c` (bias value `b` when `bias`). */
export interface Epilogue {
  /** Key part naming the epilogue. */
  name: string;
  /** Whether it reads a bias vector (one more input, indexed by the output column). */
  bias: boolean;
  /** WGSL functions it needs. */
  helpers: string;
  /** WGSL expression of the sum `v` and, with a bias, its value `b`. */
  expr: string;
}

/** Plain matmul: the sum itself. */
export const NO_EPILOGUE: Epilogue = { name: 'none', bias: false, helpers: '', expr: 'v' };

const DENSE: Record<FusedActivation, Epilogue> = {
  linear: { name: 'bias', bias: true, helpers: '', expr: 'v + b' },
  relu: { name: 'bias-relu', bias: true, helpers: RELU_WGSL, expr: 'relu_f(v + b)' },
  sigmoid: { name: 'bias-sigmoid', bias: true, helpers: SIGMOID_WGSL, expr: 'sigmoid_f(v + b)' },
  tanh: { name: 'bias-tanh', bias: true, helpers: TANH_WGSL, expr: 'tanh_f(v + b)' },
};

/** The fused dense epilogue act(v + bias[c]); relu(NaN) = NaN. */
export function denseEpilogue(activation: FusedActivation): Epilogue {
  return DENSE[activation];
}

/** WGSL `fn epilogue(v, c)` for element type `t`, reading the bias from the binding named `biasInput`. */
export function epilogueWgsl(t: string, e: Epilogue, biasInput: string): string {
  const bias = e.bias ? `let b = ${biasInput}[c]; ` : '';
  return `${e.helpers}
fn epilogue(v: ${t}, c: u32) -> ${t} { ${bias}return ${e.expr}; }`;
}
