/** Core's validators: the value back when valid, a ValueError naming the op, the argument and the value (as JSON prints it) otherwise; unknown option names refused by name. */
import { cpu } from '@backprop/backend-cpu';
import {
  binaryAccuracy,
  checkOptionNames,
  checkpoint,
  compile,
  evaluate,
  finite,
  fit,
  formatValue,
  inRange,
  losses,
  matmul,
  nn,
  nonNegative,
  nonNegativeInt,
  optionNames,
  positive,
  positiveInt,
  precision,
  predict,
  randomNormal,
  randomUniform,
  seedOf,
  setBackend,
  tensor,
  trainStep,
  ValueError,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';

describe('validators', () => {
  it('return valid values', () => {
    expect(finite('op', 'x', -2.5)).toBe(-2.5);
    expect(nonNegative('op', 'x', 0)).toBe(0);
    expect(positive('op', 'x', 1e-9)).toBe(1e-9);
    expect(nonNegativeInt('op', 'x', 0)).toBe(0);
    expect(positiveInt('op', 'x', 3)).toBe(3);
    expect(inRange('op', 'x', 0.999, 0, 1)).toBe(0.999);
    expect(inRange('op', 'x', 1, 0, 1, true)).toBe(1);
    expect(seedOf('op', undefined)).toBeUndefined();
    expect(seedOf('op', 7)).toBe(7);
  });

  it('print a string where a number belongs quoted, and NaN and Infinity by name', () => {
    expect(() => nonNegative('SGD', 'lr', '0.01')).toThrow('SGD: lr must be a finite number ≥ 0, got "0.01"');
    expect(() => positive('layer', 'eps', Number.NaN)).toThrow('layer: eps must be a finite number > 0, got NaN');
    expect(() => finite('op', 'x', Number.POSITIVE_INFINITY)).toThrow('got Infinity');
    expect(() => positiveInt('fit', 'epochs', 1.5)).toThrow(ValueError);
    expect(() => nonNegativeInt('fit', 'patience', -1)).toThrow('fit: patience must be an integer ≥ 0, got -1');
    expect(() => inRange('Adam', 'betas[0]', 1, 0, 1)).toThrow('Adam: betas[0] must be in [0, 1), got 1');
    expect(() => seedOf('dropout', -1)).toThrow('dropout: seed must be a non-negative safe integer, got -1');
    expect(formatValue([1, Number.NaN])).toBe('[1,"NaN"]');
    expect(formatValue({ a: 'b' })).toBe('{"a":"b"}');
    expect(formatValue(() => 0)).toBe('a function');
    expect(formatValue(undefined)).toBe('undefined');
  });
});

describe('option names', () => {
  it('checkOptionNames passes known names and names the unknown one, what it likely means and the list', () => {
    const known = optionNames<{ width?: number; lineWidth?: number }>({ width: true, lineWidth: true });
    expect(known).toEqual(['width', 'lineWidth']);
    expect(() => checkOptionNames('plot', { width: 1, lineWidth: 2 }, known)).not.toThrow();
    expect(() => checkOptionNames('plot', { line_width: 2 }, known)).toThrow(
      /^plot: unknown option 'line_width' \(did you mean lineWidth\?\); the options are width, lineWidth$/,
    );
    expect(() => checkOptionNames('plot', { w: 2 }, known, { aliases: { w: 'width' } })).toThrow(
      /'w' \(did you mean width\?\)/,
    );
    expect(() => checkOptionNames('plot', { color: 'red' }, known, { hints: { color: 'style it with CSS' } })).toThrow(
      /'color' \(style it with CSS\)/,
    );
    expect(() => checkOptionNames('plot', { height: 2 }, known, { what: 'key' })).toThrow(
      /^plot: unknown key 'height'; the keys are width, lineWidth$/,
    );
  });

  it('checkOptionNames refuses options that are not a plain object (a tensor where the options go was read as no options)', async () => {
    const known = ['loss', 'metrics', 'batchSize'];
    expect(() => checkOptionNames('plot', undefined, known)).not.toThrow();
    expect(() => checkOptionNames('plot', Object.create(null), known)).not.toThrow();
    expect(() => checkOptionNames('plot', [1, 2], known)).toThrow(
      /^plot: the options must be given as an object \(\{ loss, metrics, batchSize \}\), got an array \[1,2\]$/,
    );
    expect(() => checkOptionNames('plot', 5, ['width'])).toThrow(
      /^plot: the options must be given as an object \(\{ width \}\), got number 5$/,
    );
    expect(() => checkOptionNames('plot', null, known)).toThrow(/got object null$/);
    expect(() => checkOptionNames('plot', new Map(), known)).toThrow(/got a Map$/);
    await setBackend(cpu());
    const model = nn.sequential(nn.dense(2, 2, { seed: 1 }));
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const y = tensor(Int32Array.of(0, 1), [2], 'int32');
    // predict(model, x, y): y lands where the options go, and is not read as no options.
    await expect(predict(model, x, y as never)).rejects.toThrow(
      /^predict: the options must be given as an object \(\{ batchSize \}\), got a Tensor \[2\] \(int32\)$/,
    );
  });

  it('fit, trainStep, evaluate, predict and dense refuse options they do not have (they were ignored, silently training another model)', async () => {
    await setBackend(cpu());
    const model = nn.sequential(nn.dense(2, 2, { seed: 1 }));
    const data = { x: Float32Array.of(1, 2, 3, 4), xShape: [2, 2], y: Int32Array.of(0, 1), yShape: [2] };
    const base = { loss: losses.softmaxCrossEntropy, optimizer: new PlainSGD(0.1), verbose: false };
    await expect(fit(model, data, { ...base, validationSplit: 0.5 } as never)).rejects.toThrow(
      /^fit: unknown option 'validationSplit' \(did you mean validation\?\)/,
    );
    await expect(fit(model, data, { ...base, batch_size: 1 } as never)).rejects.toThrow(
      /'batch_size' \(did you mean batchSize\?\)/,
    );
    await expect(fit(model, data, { ...base, lr: 0.1 } as never)).rejects.toThrow(
      /'lr' \(set it on the optimizer: sgd\(\{ lr \}\)\)/,
    );
    expect(() =>
      trainStep(model, { loss: base.loss, optimizer: base.optimizer, metric: ['accuracy'] } as never),
    ).toThrow(/^trainStep: unknown option 'metric' \(did you mean metrics\?\)/);
    await expect(evaluate(model, data, { batch_size: 1 } as never)).rejects.toThrow(
      /^evaluate: unknown option 'batch_size'/,
    );
    await expect(predict(model, tensor([[1, 2]]), { bs: 1 } as never)).rejects.toThrow(/^predict: unknown option 'bs'/);
    expect(() => nn.dense(3, 2, { activation: 'relu' } as never)).toThrow(
      /^dense: unknown option 'activation' \(a dense layer is linear here; add the activation as its own layer, e\.g\. nn\.relu\(\) after it\)/,
    );
    expect(() => nn.dense(3, 2, { useBias: false } as never)).toThrow(/'useBias' \(did you mean bias\?\)/);
    // The documented options still work.
    expect(nn.dense(3, 2, { bias: false, seed: 1 }).parameters()).toHaveLength(1);
  });

  it('fit checks its callbacks, penalties, seed, shuffle and validation set before training (junk was skipped, or failed untyped or an epoch late)', async () => {
    await setBackend(cpu());
    const model = nn.sequential(nn.dense(2, 2, { seed: 1 }));
    const data = { x: Float32Array.of(1, 2, 3, 4), xShape: [2, 2], y: Int32Array.of(0, 1), yShape: [2] };
    const base = { loss: losses.softmaxCrossEntropy, optimizer: new PlainSGD(0.1), verbose: false };
    const before = await model.parameters()[0].value.data();
    await expect(fit(model, data, { ...base, callbacks: [5] as never })).rejects.toThrow(
      /^fit: callbacks must be a list of callback objects .*, got an array holding number$/,
    );
    await expect(fit(model, data, { ...base, callbacks: {} as never })).rejects.toThrow(
      /^fit: callbacks must be a list/,
    );
    await expect(fit(model, data, { ...base, penalties: [5] as never })).rejects.toThrow(
      /^fit: penalties must be a list of penalties .*, got \[5\]$/,
    );
    await expect(fit(model, data, { ...base, seed: -1 })).rejects.toThrow(/^fit: seed must be an integer ≥ 0, got -1$/);
    await expect(fit(model, data, { ...base, shuffle: 'yes' as never })).rejects.toThrow(
      /^fit: shuffle must be true or false, got string$/,
    );
    const wide = { x: Float32Array.of(1, 2, 3), xShape: [1, 3], y: Int32Array.of(0), yShape: [1] };
    await expect(fit(model, data, { ...base, validation: wide })).rejects.toThrow(
      'fit: the validation examples are x [3], y [] and the training examples x [2], y []; they must match',
    );
    const floatTargets = { x: Float32Array.of(1, 2), xShape: [1, 2], y: Float32Array.of(0), yShape: [1] };
    await expect(fit(model, data, { ...base, validation: floatTargets })).rejects.toThrow(
      /^fit: the validation targets are Float32Array and the training targets Int32Array/,
    );
    expect(await model.parameters()[0].value.data()).toEqual(before);
  });
});

describe('option names of ops, metrics and tools', () => {
  it('random ops, matmul, metrics, summary, compile and checkpoint refuse options they do not have', async () => {
    await setBackend(cpu());
    expect(() => randomNormal([2], { stddev: 0.1 } as never)).toThrow(
      /^randomNormal: unknown option 'stddev' \(did you mean std\?\); the options are mean, std, seed, generator$/,
    );
    expect(() => randomUniform([2], { maxval: 2 } as never)).toThrow(
      /^randomUniform: unknown option 'maxval' \(did you mean high\?\)/,
    );
    expect(() => matmul(tensor([[1, 2]]), tensor([[1, 2]]), { transpose_b: true } as never)).toThrow(
      /^matmul: unknown option 'transpose_b' \(did you mean transposeB\?\)/,
    );
    expect(() => precision({ avg: 'macro' } as never)).toThrow(/^precision: unknown option 'avg'/);
    expect(() => binaryAccuracy({ thresh: 0 } as never)).toThrow(/^binaryAccuracy: unknown option 'thresh'/);
    expect(() => nn.summary(nn.sequential(nn.dense(2, 2)), { batch_size: 4 } as never)).toThrow(
      /^summary: unknown option 'batch_size' \(did you mean batchSize\?\)/,
    );
    expect(() => compile((x) => x, { maxTrace: 2 } as never)).toThrow(/^compile: unknown option 'maxTrace'/);
    expect(() => checkpoint({ save: () => {}, everyEpoch: 1 } as never)).toThrow(
      /^checkpoint: unknown option 'everyEpoch'/,
    );
    // Known options still pass.
    expect(randomNormal([2], { std: 0.1, seed: 1 }).shape).toEqual([2]);
    expect(matmul(tensor([[1, 2]]), tensor([[1, 2]]), { transposeB: true }).shape).toEqual([1, 1]);
  });
});
