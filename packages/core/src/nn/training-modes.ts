/**
 * Every module's own training flag, saved and put back: the one rule for switching a model to
 * evaluation mode for a while (`evaluate`, `predict`, `summary`) or training with the modes its
 * user chose (`fit`). `model.train(wasTraining)` would not do: it sets every submodule to the
 * root's flag, unfreezing a BatchNorm frozen with `bn.eval()` inside a training model and
 * switching off a dropout kept in training mode (Monte-Carlo dropout) inside an evaluated one.
 * Internal: `inEvalMode` is exported for the backends (`exportOnnx`), hidden from the API docs.
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

/** Each module held in evaluation mode by a running {@link inEvalMode}: how many hold it, and its own flag from before the first. */
const held = new WeakMap<Module, { holds: number; training: boolean }>();

/**
 * Puts `model` and every module below it in evaluation mode until the returned function is
 * called. Holds nest: while two overlapping evaluations (two `evaluate` promises on one model, or
 * on a model and its encoder) hold a module, it stays in evaluation mode, and its own flag from
 * before the first hold comes back when the last one ends. Restoring per call would switch a
 * model back to training in the middle of the other evaluation (its dropout active, its
 * BatchNorm's running statistics moving) and leave it in eval afterwards.
 */
function holdEvalMode(model: Module): () => void {
  const modules = model.modules();
  if (!modules.includes(model)) modules.unshift(model);
  for (const m of modules) {
    const h = held.get(m);
    if (h) h.holds++;
    else held.set(m, { holds: 1, training: m.training });
  }
  model.eval();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const m of modules) {
      const h = held.get(m);
      if (!h) continue;
      if (--h.holds > 0) continue;
      held.delete(m);
      m.training = h.training;
    }
  };
}

/**
 * Runs `body` with `model` in evaluation mode, then puts every module's own training flag back
 * (see {@link holdEvalMode}), also when `body` throws or its promise rejects. An async body's
 * flags are put back when its promise settles.
 */
export function inEvalMode<T>(model: Module, body: () => T): T {
  const release = holdEvalMode(model);
  let result: T;
  try {
    result = body();
  } catch (e) {
    release();
    throw e;
  }
  if (result instanceof Promise) return result.finally(release) as T;
  release();
  return result;
}
