import { cpu } from '@backprop/backend-cpu';
import { nn, setBackend, ValueError } from '@backprop/core';
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

describe('unknown options', () => {
  it.each(pairs)('%s rejects an option it does not have instead of ignoring it', (_name, factory) => {
    const make = factory as (o: object) => object;
    expect(() => make({ lr: 0.1, lrr: 0.2 })).toThrow(ValueError);
    expect(() => make({ lr: 0.1, lrr: 0.2 })).toThrow(
      /: unknown option 'lrr'; the options are lr, .*groups, clipGradNorm, clipGradValue$/,
    );
    expect(() => make({ groups: [{ match: () => true, learningRate: 0.2 }] })).toThrow(
      /\(groups\[0\]\): unknown group key 'learningRate' \(did you mean lr\?\); the group keys are lr, .*params, match$/,
    );
    expect(() => make({ groups: {} })).toThrow(/groups must be an array of parameter groups/);
  });

  it("names the option other libraries' spellings mean (Keras / TF.js beta1, epsilon, decay; PyTorch weight_decay)", () => {
    expect(() => adam({ beta1: 0.5 } as object)).toThrow(/^Adam: unknown option 'beta1' \(did you mean betas\?\)/);
    expect(() => adamW({ epsilon: 1e-7 } as object)).toThrow(/^AdamW: unknown option 'epsilon' \(did you mean eps\?\)/);
    expect(() => rmsprop({ decay: 0.9 } as object)).toThrow(
      /^RMSprop: unknown option 'decay' \(did you mean alpha\?\)/,
    );
    expect(() => sgd({ lr: 0.1, weight_decay: 1e-4 } as object)).toThrow(
      /^SGD: unknown option 'weight_decay' \(did you mean weightDecay\?\)/,
    );
    // Known names still pass, in groups too.
    expect(adadelta({ rho: 0.8 })).toBeInstanceOf(Adadelta);
    expect(
      adam({ lr: 1e-3, betas: [0.8, 0.99], clipGradNorm: 1, groups: [{ match: () => true, weightDecay: 0 }] }),
    ).toBeInstanceOf(Adam);
  });
});

describe('parameter groups select their parameters', () => {
  it.each(pairs)('%s refuses a group that selects nothing, or selects with the wrong thing', (_name, factory) => {
    const make = factory as (o: object) => object;
    const [w, b] = nn.dense(2, 2).parameters();
    // A group with neither params nor match applied to no parameter: its lr was silently unused.
    expect(() => make({ groups: [{ lr: 0.5 }] })).toThrow(
      /: groups\[0\] selects no parameters: give it params \(a list of Parameters\) or match \(a predicate\)$/,
    );
    expect(() => make({ groups: [null] })).toThrow(/: groups\[0\] must be a parameter group object, got null$/);
    expect(() => make({ groups: [{ params: [w, 1] }] })).toThrow(
      /: groups\[0\]\.params\[1\] is not a Parameter \(model\.parameters\(\) lists them\), got 1$/,
    );
    expect(() => make({ groups: [{ params: w }] })).toThrow(/: groups\[0\]\.params must be a list of Parameters, got /);
    expect(() => make({ groups: [{ match: 'bias' }] })).toThrow(
      /: groups\[0\]\.match must be a function of a Parameter, got "bias"$/,
    );
    // A parameter listed by two groups would take the first group's values without a word (PyTorch refuses it too).
    expect(() =>
      make({
        groups: [
          { params: [w, b], lr: 0.1 },
          { params: [b], lr: 0.2 },
        ],
      }),
    ).toThrow(/: parameter bias is listed by groups\[0\] and groups\[1\]; a parameter belongs to one group$/);
    // Both selectors in one group, and overlapping predicates (first match wins), stay allowed.
    expect(() => make({ groups: [{ params: [w], match: () => false }, { params: [b] }] })).not.toThrow();
    expect(() => make({ groups: [{ match: () => true }, { match: () => true }] })).not.toThrow();
  });
});

describe('options that are not an object', () => {
  it.each(pairs)('%s refuses a bare learning rate (TF.js takes one) instead of training with its default', (_n, f) => {
    const make = f as (o: unknown) => object;
    // Read as options, 0.5 had no lr key, and the optimizer trained with the default rate.
    expect(() => make(0.5)).toThrow(
      /: the options must be given as an object \(\{ lr, … \}\), got 0\.5 \(the learning rate goes in the options: \{ lr: 0\.5 \}\)$/,
    );
    expect(() => make(null)).toThrow(/: the options must be given as an object \(\{ lr, … \}\), got null$/);
    expect(() => make([0.5])).toThrow(ValueError);
    expect(make(undefined)).toBeInstanceOf(Object);
  });
});

describe('true/false and named options', () => {
  it("refuse a string where a boolean goes (the string 'false' turned centered RMSprop on) and an unknown epsPlacement", () => {
    expect(() => rmsprop({ centered: 'false' as never })).toThrow(
      /^RMSprop: centered must be true or false, got "false"$/,
    );
    expect(() => sgd({ momentum: 0.9, nesterov: 'true' as never })).toThrow(
      /^SGD: nesterov must be true or false, got "true"$/,
    );
    expect(() => adam({ amsgrad: 1 as never })).toThrow(/^Adam: amsgrad must be true or false, got 1$/);
    expect(() => adamW({ amsgrad: 'yes' as never })).toThrow(/^AdamW: amsgrad must be true or false, got "yes"$/);
    expect(() => nadam({ legacyMuProduct: 'x' as never })).toThrow(/^NAdam: legacyMuProduct must be true or false/);
    // A checkpoint hand-edited to another placement failed only at the next step.
    expect(() => adam({ epsPlacement: 'bogus' as never })).toThrow(
      /^Adam: epsPlacement must be one of 'outside', 'inside', got "bogus"$/,
    );
    const opt = adam({ lr: 1e-3 });
    const groups = opt.getState().groups;
    expect(() => opt.setState({ groups: [{ ...groups[0], epsPlacement: 'bogus' }], slots: new Map() })).toThrow(
      /epsPlacement must be one of 'outside', 'inside'/,
    );
    expect(opt.getState().groups[0].epsPlacement).toBe('outside');
  });
});
