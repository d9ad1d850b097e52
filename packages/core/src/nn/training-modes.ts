/**
 * Every module's own training flag, saved and put back: the one rule for switching a model to
 * evaluation mode for a while (`evaluate`, `predict`, `summary`) or training with the modes its
 * user chose (`fit`). `model.train(wasTraining)` would not do: it sets every submodule to the
 * root's flag, unfreezing a BatchNorm frozen with `bn.eval()` inside a training model and
 * switching off a dropout kept in training mode (Monte-Carlo dropout) inside an evaluated one.
 * Internal: not exported from the package.
 */
import type { Module } from './module.js';

/**
 * Saves the `training` flag of `model` and of every module below it (each once, as
 * `model.modules()` lists them), and returns a function that puts each module's own flag back.
 */
export function snapshotModes(model: Module): () => void {
  const saved = model.modules().map((m): [Module, boolean] => [m, m.training]);
  // modules() lists the root first; kept in case a subclass leaves it out.
  if (!saved.some(([m]) => m === model)) saved.unshift([model, model.training]);
  return () => {
    for (const [m, on] of saved) m.training = on;
  };
}

/**
 * Runs `body` with `model` in evaluation mode, then puts every module's own training flag back
 * (see {@link snapshotModes}), also when `body` throws or its promise rejects. An async body's
 * flags are put back when its promise settles.
 */
export function inEvalMode<T>(model: Module, body: () => T): T {
  const restore = snapshotModes(model);
  model.eval();
  let result: T;
  try {
    result = body();
  } catch (e) {
    restore();
    throw e;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
