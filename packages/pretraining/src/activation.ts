/** The activations a stack layer may use, as functions and as core layers. */
import { type Module, nn, relu, sigmoid, softplus, type Tensor, tanh, ValueError } from '@backprop/core';
import type { ActivationName } from './encoder.js';

const fns: Record<ActivationName, (x: Tensor) => Tensor> = { sigmoid, tanh, relu, softplus, linear: (x) => x };

/**
 * The function of an activation name; throws ValueError for an unknown name. Only the table's own
 * names count: 'constructor' or 'valueOf' (inherited from Object) used to pass as activations.
 */
export function activationFn(op: string, name: ActivationName): (x: Tensor) => Tensor {
  if (typeof name !== 'string' || !Object.hasOwn(fns, name))
    throw new ValueError(`${op}: unknown activation "${String(name)}"; expected one of ${Object.keys(fns).join(', ')}`);
  return fns[name];
}

/** A core layer applying the activation (`nn.sigmoid()`, ...; linear is the identity); ValueError for an unknown name. */
export function activationLayer(op: string, name: ActivationName): Module {
  activationFn(op, name);
  if (name === 'linear') return new nn.Lambda('linear', (x) => x);
  return nn.activations[name]();
}
