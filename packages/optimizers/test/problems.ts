// Test helpers: the golden problems (Rosenbrock, a 4-5-3 tanh MLP) and building optimizers from PyTorch-named options.
import { readFileSync } from 'node:fs';
import { add, matmul, mean, mul, Parameter, sub, type Tensor, tanh, tensor, valueAndGrad } from '@backprop/core';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  cosineAnnealing,
  exponentialDecay,
  inverseTimeDecay,
  linearWarmup,
  NAdam,
  RMSprop,
  type Schedule,
  SGD,
  stepDecay,
} from '../src/index.js';

export interface GoldenCase {
  id: string;
  optimizer: string;
  options: Record<string, unknown>;
  schedule?: Record<string, number | string>;
  groups?: ({ params: string[] } & Record<string, unknown>)[];
  clipGradNorm?: number;
  clipGradValue?: number;
  trajectory: Record<string, Record<string, number[]>>;
  losses: number[];
  lrs: number[];
}

export interface Golden {
  torch: string;
  steps: number;
  init: Record<string, { shape: number[]; values: number[] }>;
  data: { x?: number[]; xShape?: number[]; y?: number[]; yShape?: number[] };
  cases: GoldenCase[];
}

export const readGolden = (name: string): Golden =>
  JSON.parse(readFileSync(new URL(`./golden/${name}.json`, import.meta.url), 'utf8'));

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));

const classes = { SGD, Adam, AdamW, Adagrad, RMSprop, Adamax, NAdam, Adadelta } as const;

/** Builds the optimizer of a case, mapping PyTorch's option names to ours. */
export function makeOptimizer(c: GoldenCase, params: Map<string, Parameter>, torchVersion: string) {
  const options: Record<string, unknown> = camelKeys(c.options);
  if (c.optimizer === 'NAdam' && torchVersion.startsWith('1.')) options.legacyMuProduct = true;
  if (c.groups)
    options.groups = c.groups.map(({ params: names, ...rest }) => ({
      params: names.map((n) => params.get(n)),
      ...camelKeys(rest),
    }));
  if (c.clipGradNorm !== undefined) options.clipGradNorm = c.clipGradNorm;
  if (c.clipGradValue !== undefined) options.clipGradValue = c.clipGradValue;
  const Ctor = classes[c.optimizer as keyof typeof classes] as unknown as new (o: unknown) => InstanceType<typeof SGD>;
  return new Ctor(options);
}

/** The schedule of a case (ReduceLROnPlateau is handled by the caller). */
export function makeSchedule(s: Record<string, number | string>): Schedule {
  const n = (k: string) => s[k] as number;
  switch (s.type) {
    case 'StepLR':
      return stepDecay({ stepSize: n('step_size'), gamma: n('gamma') });
    case 'ExponentialLR':
      return exponentialDecay({ gamma: n('gamma') });
    case 'CosineAnnealingLR':
      return cosineAnnealing({ tMax: n('T_max'), etaMin: n('eta_min') ?? 0 });
    case 'LinearLR':
      return linearWarmup({ steps: n('total_iters'), startFactor: n('start_factor') });
    case 'InverseTime':
      return inverseTimeDecay({ tau: n('tau') });
    default:
      throw new Error(`unknown schedule ${s.type}`);
  }
}

/** The parameters of a problem, in the golden file's order. */
export function makeParams(g: Golden): Map<string, Parameter> {
  return new Map(
    Object.entries(g.init).map(([name, { shape, values }]) => [name, new Parameter(name, tensor(values, shape))]),
  );
}

/** The loss of a problem as a function of parameter values in `names` order. */
export function lossOf(problem: string, g: Golden, names: string[]): (...v: Tensor[]) => Tensor {
  if (problem === 'rosenbrock') {
    return (...v) => {
      const p = Object.fromEntries(names.map((n, i) => [n, v[i]]));
      const a = sub(1, p.x);
      const b = sub(p.y, mul(p.x, p.x));
      return add(mul(a, a), mul(mul(b, b), 100));
    };
  }
  const x = tensor(g.data.x as number[], g.data.xShape);
  const y = tensor(g.data.y as number[], g.data.yShape);
  return (...v) => {
    const p = Object.fromEntries(names.map((n, i) => [n, v[i]]));
    const h = tanh(add(matmul(x, p.w1), p.b1));
    const d = sub(add(matmul(h, p.w2), p.b2), y);
    return mean(mul(d, d));
  };
}

export { valueAndGrad };
