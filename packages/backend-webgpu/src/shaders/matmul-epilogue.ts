/** What a matmul computes beyond A·B as each sum is written: nothing, or the dense layer's bias. */

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

/** The dense layer's epilogue: v + bias[c]. */
export const DENSE_EPILOGUE: Epilogue = { name: 'bias', bias: true, helpers: '', expr: 'v + b' };

/** WGSL `fn epilogue(v, c)` for element type `t`, reading the bias from the binding named `biasInput`. */
export function epilogueWgsl(t: string, e: Epilogue, biasInput: string): string {
  const bias = e.bias ? `let b = ${biasInput}[c]; ` : '';
  return `${e.helpers}
fn epilogue(v: ${t}, c: u32) -> ${t} { ${bias}return ${e.expr}; }`;
}
