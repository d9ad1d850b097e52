/** Builds the network, optimizer and penalties the settings describe. */
import { type Module, nn, type Optimizer, type Penalty } from '@backprop/core';
import { adagrad, adam, rmsprop, sgd } from '@backprop/optimizers';
import { dropout, l1, l2 } from '@backprop/regularizers';
import type { Settings } from './settings.js';

/** An MLP: the hidden layers with the chosen activation (and dropout), then a linear output layer. */
export function buildModel(s: Settings, inputs: number, classes: number): Module {
  const layers: Module[] = [];
  let width = inputs;
  s.hidden.forEach((units, i) => {
    layers.push(
      nn.dense(width, units, { seed: 10 + i, weightInit: s.activation === 'relu' ? 'heNormal' : 'glorotUniform' }),
    );
    layers.push(nn.activations[s.activation]());
    if (s.dropout > 0) layers.push(dropout({ drop: s.dropout }));
    width = units;
  });
  layers.push(nn.dense(width, classes, { seed: 99 }));
  return nn.sequential(...layers);
}

/** The optimizer by name, with the learning rate from the settings. */
export function buildOptimizer(s: Settings): Optimizer {
  const lr = s.lr;
  switch (s.optimizer) {
    case 'sgd':
      return sgd({ lr });
    case 'momentum':
      return sgd({ lr, momentum: 0.9 });
    case 'nesterov':
      return sgd({ lr, momentum: 0.9, nesterov: true });
    case 'adagrad':
      return adagrad({ lr });
    case 'rmsprop':
      return rmsprop({ lr });
    default:
      return adam({ lr });
  }
}

/** The L2 penalty λ/2 Σ W² and the L1 penalty λ Σ |W| over weights (each left out when its λ = 0). */
export function buildPenalties(s: Settings): Penalty[] {
  return [...(s.l2 > 0 ? [l2(s.l2)] : []), ...(s.l1 > 0 ? [l1(s.l1)] : [])];
}
