/** State of a compiled function: tensors read at the start of each call and replaced at its end. */
import type { Parameter } from '../nn/parameter.js';
import type { Tensor } from '../tensor.js';

/**
 * A group of tensors that persists between calls of a compiled function (parameters,
 * optimizer moments). `read` returns the current tensors in a fixed order; `write` receives
 * the new ones (same order, owned by the callee) after a call run as a graph.
 */
export interface CompiledState {
  read(): Tensor[];
  write(values: readonly Tensor[]): void;
}

/** The values of `params` as compiled state: written back with `Parameter.assign`. */
export function parameterState(params: readonly Parameter[]): CompiledState {
  return {
    read: () => params.map((p) => p.value),
    write: (values) => params.forEach((p, i) => p.assign(values[i])),
  };
}

/** Anything with a state dict: optimizers, modules' buffers. */
export interface HasStateDict {
  stateDict(): Map<string, Tensor>;
  loadStateDict(state: ReadonlyMap<string, Tensor>): void;
}

/**
 * An object's state dict as compiled state (e.g. an optimizer's moments), written back with
 * `loadStateDict`; a tensor the owner copied instead of keeping is freed.
 */
export function stateDictState(owner: HasStateDict): CompiledState {
  let names: string[] = [];
  return {
    read: () => {
      const dict = owner.stateDict();
      names = [...dict.keys()];
      return [...dict.values()];
    },
    write: (values) => {
      owner.loadStateDict(new Map(names.map((n, i) => [n, values[i]])));
      const now = owner.stateDict();
      names.forEach((n, i) => {
        if (now.get(n) !== values[i]) values[i].dispose();
      });
    },
  };
}
