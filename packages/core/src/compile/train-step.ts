/** `compileTrainStep`: one training step (forward, loss, penalties, backward, update) as a compiled function. */
import { valueAndGrad } from '../autograd/grad.js';
import type { Loss } from '../losses/index.js';
import { tidy } from '../memory.js';
import type { Module } from '../nn/module.js';
import { add } from '../ops/binary.js';
import type { Tensor } from '../tensor.js';
import type { Optimizer, Penalty } from '../train/optimizer.js';
import { type CompiledFunction, compile } from './compile.js';
import { parameterState, stateDictState } from './state.js';

/** Options of {@link compileTrainStep}. */
export interface TrainStepOptions {
  loss: Loss;
  optimizer: Optimizer;
  penalties?: Penalty[];
  /** Traces to try before running eagerly (default 3: the optimizer's state appears on step 1). */
  maxTraces?: number;
}

/**
 * Compiles `model`'s training step: `step(x, y)` returns the total loss (a scalar tensor the
 * caller frees) and updates the parameters and the optimizer's state, exactly as `fit`'s
 * eager step does. The parameters and the optimizer's state dict are the compiled state.
 * NOTE: an optimizer that keeps its step count or learning rate in JavaScript numbers makes
 * every trace differ, so the step runs eagerly (correct, not faster); call `invalidate()` after
 * changing a learning rate by hand.
 */
export function compileTrainStep(
  model: Module,
  { loss, optimizer, penalties = [], maxTraces = 3 }: TrainStepOptions,
): CompiledFunction<Tensor> {
  const params = model.parameters().filter((p) => p.trainable);
  const step = (x: Tensor, y: Tensor): Tensor =>
    tidy(() => {
      optimizer.beforeGradient?.(params);
      const { value, grads } = valueAndGrad(() => {
        let total = loss(model.forward(x), y);
        for (const p of penalties) total = add(total, p.loss(params));
        return total;
      })(...params.map((p) => p.value));
      optimizer.step(params, grads);
      return value;
    });
  return compile(step, { state: [parameterState(params), stateDictState(optimizer)], maxTraces });
}
