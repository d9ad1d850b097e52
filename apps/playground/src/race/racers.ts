/**
 * The optimizers in the race: each with its update rule as the lecture writes it, the sliders
 * of its key hyperparameters, and how its @backprop/optimizers instance is built from them.
 */
import type { Optimizer } from '@backprop/core';
import { Adagrad, Adam, type EpsPlacement, RMSprop, SGD } from '@backprop/optimizers';

/** A slider (or, with `choices`, a select) of one hyperparameter. */
export interface Knob {
  name: string;
  label: string;
  /** Range inputs: min, max, step; with `log`, the slider moves log₁₀ of the value. */
  min?: number;
  max?: number;
  step?: number;
  log?: boolean;
  value: number | string;
  choices?: string[];
}

/** The options a racer passes to its optimizer's constructor. */
export type RacerOptions = Record<string, unknown>;

/** One contestant. */
export interface Racer {
  key: string;
  label: string;
  color: string;
  /** The update rule, one line per equation (g = ∇f(θ)). */
  rule: string[];
  /** Its knobs besides the learning rate (which every racer has, defaults per surface). */
  knobs: Knob[];
  /** The @backprop/optimizers class it uses, by name (the tests rebuild it from this). */
  className: 'SGD' | 'Adagrad' | 'RMSprop' | 'Adam';
  /** Constructor options from the knobs' values. */
  options: (lr: number, k: Record<string, number | string>) => RacerOptions;
}

/** The classes by name. */
export const OPTIMIZER_CLASSES = { SGD, Adagrad, RMSprop, Adam } as const;

/** Builds a racer's optimizer. */
export function buildOptimizer(racer: Racer, options: RacerOptions): Optimizer {
  const Ctor = OPTIMIZER_CLASSES[racer.className] as unknown as new (o: RacerOptions) => Optimizer;
  return new Ctor(options);
}

const mu = (label: string): Knob => ({ name: 'momentum', label, min: 0, max: 0.99, step: 0.01, value: 0.9 });

/** The racers, in the order they are listed. */
export const RACERS: Racer[] = [
  {
    key: 'sgd',
    label: 'SGD',
    color: '#e53935',
    rule: ['θ ← θ − η·g'],
    knobs: [],
    className: 'SGD',
    options: (lr) => ({ lr }),
  },
  {
    key: 'momentum',
    label: 'Momentum (PyTorch)',
    color: '#fb8c00',
    rule: ['b ← μ·b + g   (b₁ = g)', 'θ ← θ − η·b'],
    knobs: [mu('μ')],
    className: 'SGD',
    options: (lr, k) => ({ lr, momentum: k.momentum }),
  },
  {
    key: 'lecture',
    label: 'Momentum (lecture)',
    color: '#fdd835',
    rule: ['v ← λ·v − (1 − λ)·g   (v₀ = 0)', 'θ ← θ + η·v', "(PyTorch's path when η = γ/(1 − λ))"],
    knobs: [mu('λ')],
    className: 'SGD',
    options: (lr, k) => ({ lr, momentum: k.momentum, form: 'lecture' }),
  },
  {
    key: 'nesterov',
    label: 'Nesterov (lecture)',
    color: '#43a047',
    rule: ['g = ∇f(θ + η·λ·v)   (look ahead)', 'v ← λ·v − (1 − λ)·g', 'θ ← θ + η·v'],
    knobs: [mu('λ')],
    className: 'SGD',
    options: (lr, k) => ({ lr, momentum: k.momentum, nesterov: true, form: 'lecture' }),
  },
  {
    key: 'nesterovTorch',
    label: 'Nesterov (PyTorch)',
    color: '#6d4c41',
    rule: ['b ← μ·b + g', 'θ ← θ − η·(g + μ·b)'],
    knobs: [mu('μ')],
    className: 'SGD',
    options: (lr, k) => ({ lr, momentum: k.momentum, nesterov: true }),
  },
  {
    key: 'adagrad',
    label: 'AdaGrad',
    color: '#1e88e5',
    rule: ['G ← G + g²', 'θ ← θ − η·g / (√G + δ)'],
    knobs: [],
    className: 'Adagrad',
    options: (lr) => ({ lr }),
  },
  {
    key: 'rmsprop',
    label: 'RMSProp',
    color: '#8e24aa',
    rule: ['r ← ρ·r + (1 − ρ)·g²', 'θ ← θ − η·g / (√r + δ)'],
    knobs: [{ name: 'alpha', label: 'ρ', min: 0.5, max: 0.999, step: 0.001, value: 0.9 }],
    className: 'RMSprop',
    options: (lr, k) => ({ lr, alpha: k.alpha }),
  },
  {
    key: 'adam',
    label: 'Adam',
    color: '#00acc1',
    rule: [
      's ← ρ₁·s + (1 − ρ₁)·g,   r ← ρ₂·r + (1 − ρ₂)·g²',
      'ŝ = s / (1 − ρ₁ᵗ),   r̂ = r / (1 − ρ₂ᵗ)',
      'θ ← θ − η·ŝ / √(r̂ + δ)   (δ inside, the lecture; outside: √r̂ + δ)',
    ],
    knobs: [
      { name: 'beta1', label: 'ρ₁', min: 0, max: 0.99, step: 0.01, value: 0.9 },
      { name: 'beta2', label: 'ρ₂', min: 0.9, max: 0.9999, step: 0.0001, value: 0.999 },
      { name: 'placement', label: 'δ', value: 'inside', choices: ['inside', 'outside'] },
    ],
    className: 'Adam',
    options: (lr, k) => ({
      lr,
      betas: [k.beta1, k.beta2],
      eps: 1e-8,
      epsPlacement: k.placement as EpsPlacement,
    }),
  },
];
