/** Split-K's second pass: adds the per-split partial products and applies the epilogue. */
import { type Epilogue, epilogueWgsl } from './matmul-epilogue.js';
import { bindings, ELEMENT_MAIN, FLOAT_HELPERS } from './prelude.js';

/**
 * WGSL of the reducing pass, one thread per output element i: out[i] = epilogue(Σₛ in0[s·args[0] + i],
 * i mod N) over args[1] splits in order, with args[0] the output size and args[2] = N. The
 * partial products in0 are laid out [split][batch][M][N] by the tiled shader's slices.
 */
export function splitKReduceCode(epilogue: Epilogue): string {
  return `${bindings('f32', epilogue.bias ? ['f32', 'f32'] : ['f32'])}
${FLOAT_HELPERS}
${epilogueWgsl('f32', epilogue, 'in1')}
${ELEMENT_MAIN}
  var acc = 0.0;
  for (var s = 0u; s < args[1]; s++) { acc += in0[s * args[0] + i]; }
  out[i] = epilogue(acc, i % args[2]);
}`;
}
