/**
 * One training step of `fit`, eager or compiled. Eager: forward and backward, read the loss,
 * and update only if it is finite. Compiled (`compile`): the whole step — forward, loss,
 * penalties, backward, update — as one graph, run as one unit on backends with `compileGraph`.
 */
import { valueAndGrad } from '../autograd/grad.js';
import { withoutRecording } from '../autograd/tape.js';
import { compile } from '../compile/compile.js';
import { parameterState, stateDictState } from '../compile/state.js';
import { keep } from '../engine.js';
import type { Loss } from '../losses/index.js';
import { dispose, tidy } from '../memory.js';
import type { Module } from '../nn/module.js';
import type { Parameter } from '../nn/parameter.js';
import { add } from '../ops/binary.js';
import type { Tensor } from '../tensor.js';
import type { MetricFn } from './metrics.js';
import type { Optimizer, Penalty } from './optimizer.js';

/** What a step needs. */
export interface StepSetup {
  model: Module;
  params: Parameter[];
  loss: Loss;
  optimizer: Optimizer;
  penalties: Penalty[];
  metrics: [string, MetricFn][];
}

/** Runs steps; `run` returns [loss, ...metric sums] of the batch, or throws `onNonFinite`'s error. */
export interface StepRunner {
  readonly compiled: boolean;
  /** 'graph' once compiled steps run as a graph; 'eager' otherwise. */
  mode(): 'graph' | 'eager' | 'tracing';
  run(x: Tensor, y: Tensor, onNonFinite: (loss: number) => Error): Promise<number[]>;
  /** Frees what the runner holds (compiled graphs and their constants). */
  dispose(): void;
}

function forwardBackward(s: StepSetup, x: Tensor, y: Tensor): { value: Tensor; grads: Tensor[]; measured: Tensor[] } {
  s.optimizer.beforeGradient?.(s.params);
  let measured: Tensor[] = [];
  const { value, grads } = valueAndGrad(() => {
    const prediction = s.model.forward(x);
    let total = s.loss(prediction, y);
    for (const p of s.penalties) total = add(total, p.loss(s.params));
    measured = withoutRecording(() => s.metrics.map(([, fn]) => keep(fn(prediction, y))));
    return total;
  })(...s.params.map((p) => p.value));
  return { value, grads, measured };
}

async function read(ts: Tensor[]): Promise<number[]> {
  return (await Promise.all(ts.map((t) => t.data()))).map((a) => a[0]);
}

/** The eager step: the update happens only after the loss was read and found finite. */
export function eagerStep(s: StepSetup): StepRunner {
  return {
    compiled: false,
    mode: () => 'eager',
    async run(x, y, onNonFinite) {
      const step = tidy(() => forwardBackward(s, x, y));
      const values = await read([step.value, ...step.measured]);
      if (!Number.isFinite(values[0])) {
        dispose(step);
        throw onNonFinite(values[0]);
      }
      tidy(() => s.optimizer.step(s.params, step.grads));
      dispose(step);
      return values;
    },
    dispose() {},
  };
}

/**
 * The compiled step. NOTE: the update is inside the graph, so a non-finite loss is reported
 * after the step that produced it (the eager step reports it before updating).
 */
export function compiledStep(s: StepSetup): StepRunner {
  const fn = compile(
    (x, y) =>
      tidy(() => {
        const { value, grads, measured } = forwardBackward(s, x, y);
        s.optimizer.step(s.params, grads);
        return [value, ...measured];
      }),
    { state: [parameterState(s.params), stateDictState(s.optimizer)] },
  );
  let lr = s.optimizer.lr;
  return {
    compiled: true,
    mode: () => fn.mode,
    async run(x, y, onNonFinite) {
      if (s.optimizer.lr !== lr) {
        fn.invalidate();
        lr = s.optimizer.lr;
      }
      const outputs = fn(x, y) as Tensor[];
      const values = await read(outputs);
      dispose(outputs);
      if (!Number.isFinite(values[0])) throw onNonFinite(values[0]);
      return values;
    },
    dispose: () => fn.invalidate(),
  };
}
