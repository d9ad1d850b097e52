/** The activations a stack layer may use, as functions and as core layers. */
import { type Module, nn, relu, sigmoid, softplus, type Tensor, tanh, ValueError } from '@backprop/core';
import type { ActivationName } from './encoder.js';

const fns: Record<ActivationName, (x: Tensor) => Tensor> = { sigmoid, tanh, relu, softplus, linear: (x) => x };

/** The function of an activation name; throws ValueError for an unknown name. */
export function activationFn(op: string, name: ActivationName): (x: Tensor) => Tensor {
  const fn = fns[name];
  if (!fn)
    throw new ValueError(`${op}: unknown activation "${String(name)}"; expected one of ${Object.keys(fns).join(', ')}`);
  return fn;
}

/** A core layer applying the activation (`nn.sigmoid()`, ...; linear is the identity). */
export function activationLayer(name: ActivationName): Module {
  if (name === 'linear') return new nn.Lambda('linear', (x) => x);
  return nn.activations[name]();
}
