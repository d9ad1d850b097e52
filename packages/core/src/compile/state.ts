/** State of a compiled function: tensors read at the start of each call and replaced at its end. */
import type { Tensor } from '../tensor.js';

/**
 * A group of tensors that persists between calls of a compiled function (a training state's
 * parameters, buffers and optimizer slots: `TrainingState.compiledState()`). `read` returns the
 * current tensors in a fixed order; `write` receives the new ones (same order, owned by the
 * callee) after a call run as a graph.
 */
export interface CompiledState {
  read(): Tensor[];
  write(values: readonly Tensor[]): void;
}
