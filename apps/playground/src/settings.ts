/** The playground's settings, read from the form. */

import { FEATURES, type FeatureName } from './network/features.js';

/** Everything the user chooses. */
export interface Settings {
  data: 'xor' | 'circles' | 'moons' | 'spirals' | 'mnist';
  noise: number;
  hidden: number[];
  activation: 'relu' | 'tanh' | 'sigmoid' | 'leakyRelu';
  optimizer: 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';
  lr: number;
  batchSize: number;
  l2: number;
  dropout: number;
  backend: 'cpu' | 'webgpu' | 'onnx';
  /** Input features computed from (x₁, x₂) for the 2-D sets (ignored for MNIST). */
  features: FeatureName[];
  /** Share of the points used for training, in [0.1, 0.9]; the rest is the test set. */
  trainRatio: number;
  /** L1 λ (λ Σ |W| over weights). */
  l1: number;
}

/**
 * Reads and validates the form and the network view's form (features, split, L1); throws with a
 * message naming the field.
 */
export function readSettings(form: HTMLFormElement, networkForm?: HTMLFormElement): Settings {
  const f = new FormData(form);
  if (networkForm) new FormData(networkForm).forEach((v, k) => f.append(k, v));
  return settingsFrom(f, networkForm !== undefined);
}

/**
 * The settings from the forms' values (`network`: whether the network view's fields are among
 * them). An empty field is an error naming it, not 0: `Number('')` is 0, and a cleared learning
 * rate used to train nothing without a word.
 */
export function settingsFrom(f: FormData, network: boolean): Settings {
  const num = (name: string, min: number, max = Number.POSITIVE_INFINITY) => {
    const raw = String(f.get(name) ?? '').trim();
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v) || v < min || v > max)
      throw new Error(`${name} must be a number in [${min}, ${max}], got "${raw}"`);
    return v;
  };
  const sizes = String(f.get('hidden') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Plain decimal digits only: Number() would also read "0x8" as 8 and "1e1" as 10.
  const hidden = sizes.map((u) => (/^\d+$/.test(u) ? Number(u) : Number.NaN));
  if (hidden.some((u) => !Number.isInteger(u) || u < 1 || u > 4096))
    throw new Error(`hidden units must be positive integers, got ${f.get('hidden')}`);
  /** A choice among `options`, or an error naming the field (a value no menu offers must not fall back silently). */
  const oneOf = <T extends string>(name: string, options: readonly T[]): T => {
    const v = String(f.get(name));
    if (!(options as readonly string[]).includes(v))
      throw new Error(`${name} must be one of ${options.join(', ')}, got "${v}"`);
    return v as T;
  };
  return {
    data: oneOf('data', ['xor', 'circles', 'moons', 'spirals', 'mnist']),
    noise: num('noise', 0, 1),
    hidden,
    activation: oneOf('activation', ['relu', 'tanh', 'sigmoid', 'leakyRelu']),
    optimizer: oneOf('optimizer', ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam']),
    lr: num('lr', 0),
    batchSize: Math.round(num('batchSize', 1)),
    l2: num('l2', 0),
    dropout: num('dropout', 0, 0.95),
    backend: oneOf('backend', ['cpu', 'webgpu', 'onnx']),
    features: network ? readFeatures(f) : ['x1', 'x2'],
    trainRatio: f.has('trainRatio') ? num('trainRatio', 0.1, 0.9) : 0.8,
    l1: f.has('l1') ? num('l1', 0) : 0,
  };
}

/** The checked feature boxes (named `feature.<name>`), at least one. */
function readFeatures(f: FormData): FeatureName[] {
  const on = (Object.keys(FEATURES) as FeatureName[]).filter((name) => f.has(`feature.${name}`));
  if (on.length === 0) throw new Error('features: choose at least one input feature');
  return on;
}
