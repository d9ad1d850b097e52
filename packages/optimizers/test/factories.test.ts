import { cpu } from '@backprop/backend-cpu';
import { setBackend, ValueError } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  adadelta,
  adagrad,
  adam,
  adamax,
  adamW,
  NAdam,
  nadam,
  RMSprop,
  rmsprop,
  SGD,
  sgd,
} from '../src/index.js';

beforeAll(() => setBackend(cpu()));

const pairs = [
  ['sgd', sgd, SGD],
  ['adagrad', adagrad, Adagrad],
  ['rmsprop', rmsprop, RMSprop],
  ['adam', adam, Adam],
  ['adamW', adamW, AdamW],
  ['adamax', adamax, Adamax],
  ['nadam', nadam, NAdam],
  ['adadelta', adadelta, Adadelta],
] as const;

describe('optimizer factories', () => {
  it.each(pairs)('%s builds the class with the same hyperparameters', (_name, factory, Class) => {
    const made = (factory as (o: object) => object)({ lr: 0.125 });
    const direct = new (Class as new (o: object) => object)({ lr: 0.125 });
    expect(made).toBeInstanceOf(Class);
    const groups = (o: object) => (o as SGD).getState().groups;
    expect(groups(made)).toEqual(groups(direct));
    expect(groups(made)[0].lr).toBe(0.125);
  });

  it.each(pairs)('%s rejects what the constructor rejects', (_name, factory) => {
    expect(() => (factory as (o: object) => object)({ lr: -1 })).toThrow(ValueError);
  });
});
