/**
 * TrainingState: everything that changes while a model trains — parameters, buffers, the
 * optimizer's slots and hyperparameters, stateful callbacks (schedulers, early stopping),
 * every random generator, and the position in the data — in one object. Compiled steps take
 * its tensors as graph inputs and return them as outputs; checkpoints save and restore exactly it.
 */
import type { CompiledState } from '../compile/state.js';
import { keep } from '../engine.js';
import { ValueError } from '../errors.js';
import { decodeCheckpointInto, encodeCheckpoint, type LoadCheckpointOptions } from '../io/checkpoint.js';
import { dispose } from '../memory.js';
import type { Module } from '../nn/module.js';
import type { Parameter } from '../nn/parameter.js';
import { stopGradient } from '../ops/reshape.js';
import { defaultGenerator, type GeneratorState } from '../random/generator.js';
import type { Tensor } from '../tensor.js';
import type { Callback, CallbackState, EpochLogs } from './callbacks.js';
import type { Optimizer, OptimizerState, OptimizerStateByParameter, SlotState } from './optimizer.js';

/** The next batch to run: `batch` batches of epoch `epoch` (both from 0) are done. */
export interface Position {
  epoch: number;
  batch: number;
}

/** The current epoch's running sums, so a run resumed mid-epoch reports the same epoch logs. */
export interface EpochProgress {
  /** Examples seen this epoch. */
  seen: number;
  /** Σ batch loss × batch size. */
  lossSum: number;
  /**
   * The metrics' running sums: each metric's number of sums, then the sums in metric order (a
   * plain metric has one, R² or precision several); empty before the epoch's first batch.
   */
  metricSums: number[];
}

/**
 * The order `fit` reads its data in: a run resumed from a checkpoint continues it exactly only
 * with the same examples (count), batch size, shuffle and seed.
 */
export interface DataOrder {
  examples: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
}

/** The parts a training state gathers. */
export interface TrainingStateParts {
  model: Module;
  optimizer?: Optimizer;
  /** Callbacks whose state is saved (those with `getState`); their order is part of the checkpoint. */
  callbacks?: readonly Callback[];
}

/**
 * A copy of the state, to put back when a step is non-finite (`scope: 'step'`: model, optimizer
 * and generators) or when restoring a checkpoint fails halfway (`'run'`: everything).
 */
export interface StateSnapshot {
  scope: 'step' | 'run';
  model: Map<string, Tensor>;
  optimizer: OptimizerState | undefined;
  /** The same slots keyed by parameter object, when the optimizer has `getStateByParameter` (what `restore` uses). */
  optimizerByParameter?: OptimizerStateByParameter;
  callbacks: (CallbackState | undefined)[];
  generators: GeneratorState[];
  global: GeneratorState;
  position: Position;
  progress: EpochProgress;
  history: EpochLogs[];
  stopReason: string | undefined;
  /** Frees the snapshot's tensor views. */
  dispose(): void;
}

const view = (t: Tensor): Tensor => keep(stopGradient(t));

/**
 * One run's training state. `fit` makes one (see `FitOptions.resume`); user loops make their
 * own with {@link trainStep} or `new TrainingState({ model, optimizer })`, then
 * `await state.save()` and `state.load(bytes)` (see `saveCheckpoint` / `loadCheckpoint`).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend, TrainingState } from '@backprop/core';
 * import { adam } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 2));
 * const state = new TrainingState({ model, optimizer: adam() });
 * const bytes = await state.save({ note: 'epoch 3' }); // model, optimizer, callbacks, generators, position
 * state.load(bytes);
 * ```
 */
export class TrainingState {
  readonly model: Module;
  readonly optimizer: Optimizer | undefined;
  readonly callbacks: readonly Callback[];
  /** Where training is. */
  position: Position = { epoch: 0, batch: 0 };
  /** The current epoch's sums so far. */
  progress: EpochProgress = { seen: 0, lossSum: 0, metricSums: [] };
  /** Logs of finished epochs. */
  history: EpochLogs[] = [];
  /** The data order of the `fit` run this state belongs to, saved with it (undefined in loops of your own). */
  dataOrder: DataOrder | undefined;
  /**
   * Why the `fit` run this state belongs to was asked to stop (a callback's `ctx.stop`, e.g. early
   * stopping), saved with it: resuming from a checkpoint of a run that had been stopped trains no
   * further, as the run itself did not. Undefined while nothing asked it to stop.
   */
  stopReason: string | undefined;

  constructor({ model, optimizer, callbacks = [] }: TrainingStateParts) {
    if (!model || typeof model.stateDict !== 'function')
      throw new ValueError('TrainingState: model must be a Module (nn.sequential(...) or a Module subclass)');
    if (
      optimizer !== undefined &&
      (typeof optimizer.getState !== 'function' || typeof optimizer.setState !== 'function')
    )
      throw new ValueError('TrainingState: the optimizer must implement getState() and setState()');
    this.model = model;
    this.optimizer = optimizer;
    this.callbacks = callbacks;
  }

  /** The whole state as checkpoint bytes (safetensors), with string `metadata` of your own. */
  save(metadata: Record<string, string> = {}): Promise<Uint8Array> {
    return encodeCheckpoint(this, metadata);
  }

  /**
   * Restores checkpoint bytes written by {@link save} into this state: model, optimizer,
   * stateful callbacks (same kinds, same order), generators (the global one too) and position.
   * The file is validated whole first; on any error nothing changes. Returns your metadata.
   */
  load(bytes: Uint8Array, options: LoadCheckpointOptions = {}): Record<string, string> {
    return decodeCheckpointInto(this, bytes, options);
  }

  /** The parameters, in declaration order. */
  parameters(): Parameter[] {
    return this.model.parameters();
  }

  /** The callbacks that keep state, in order. */
  statefulCallbacks(): Callback[] {
    return this.callbacks.filter((c) => typeof c.getState === 'function' && typeof c.setState === 'function');
  }

  /**
   * The tensors a compiled step reads and replaces, in a fixed order: every parameter value,
   * every buffer, each optimizer slot (parameters in order, the step count, then its tensors by
   * name), then the optimizer's learning-rate tensors (inputs only: they come back unchanged).
   * Writing hands each new tensor to its owner.
   */
  compiledState(): CompiledState {
    /** Each stepped parameter's slot: the parameter, the key its slot was found under, its tensor names. */
    let slotLayout: [Parameter, Parameter | string, string[]][] = [];
    let rates = 0;
    return {
      read: () => {
        const params = this.model.namedParameters();
        const buffers = this.model.namedBuffers();
        const out = [...params.map(([, p]) => p.value), ...buffers.map(([, b]) => b)];
        slotLayout = [];
        // By object where the optimizer can: a name depends on the module a parameter was listed from.
        const byParameter = this.optimizer?.getStateByParameter?.();
        const opt = byParameter ?? this.optimizer?.getState();
        if (opt) {
          const slots: ReadonlyMap<Parameter | string, SlotState> = opt.slots;
          for (const [name, p] of params) {
            const key = byParameter?.slots.has(p) ? p : name;
            const s = slots.get(key);
            if (!s) continue;
            const keys = Object.keys(s.tensors).sort();
            slotLayout.push([p, key, keys]);
            out.push(s.step, ...keys.map((k) => s.tensors[k]));
          }
        }
        rates = opt?.lrTensors?.length ?? 0;
        out.push(...(opt?.lrTensors ?? []));
        return out;
      },
      write: (values) => {
        const params = this.model.parameters();
        const buffers = this.model.namedBuffers();
        params.forEach((p, i) => {
          p.assign(values[i]);
        });
        let k = params.length;
        if (buffers.length > 0) {
          const next = buffers.map(([name], i) => [name, values[k + i]] as const);
          this.model.loadStateDict(new Map(next), { strict: false });
          dispose(next.map(([, t]) => t));
        }
        k += buffers.length;
        const optimizer = this.optimizer;
        if (!optimizer) return;
        const fresh: [Parameter, Parameter | string, SlotState][] = slotLayout.map(([p, key, names]) => {
          const step = values[k++];
          const tensors: Record<string, Tensor> = {};
          for (const name of names) tensors[name] = values[k++];
          return [p, key, { step, tensors }];
        });
        const taken = values.slice(params.length + buffers.length);
        const current = optimizer.getStateByParameter?.();
        if (current && optimizer.setStateByParameter) {
          // Only this model's slots are new: the optimizer's others (parameters of a larger model
          // it also trains) stay, and every slot stays tied to its parameter object.
          const slots = new Map(current.slots);
          for (const [p, key, slot] of fresh) {
            slots.delete(key);
            slots.set(p, slot);
          }
          optimizer.setStateByParameter({ groups: current.groups, slots });
        } else {
          const slots = new Map<string, SlotState>(fresh.map(([p, , slot]) => [p.name, slot]));
          optimizer.setState({ groups: optimizer.getState().groups, slots });
        }
        dispose(taken);
        if (k + rates !== values.length)
          throw new ValueError(
            `TrainingState: a compiled step returned ${values.length} state tensors, expected ${k + rates}`,
          );
      },
    };
  }

  /** Copies every part's state (tensors as views), to restore with {@link restore}. */
  snapshot({ scope = 'run' }: { scope?: 'step' | 'run' } = {}): StateSnapshot {
    const model = new Map([...this.model.stateDict()].map(([k, t]) => [k, view(t)]));
    const opt = this.optimizer?.getStateByParameter?.() ?? this.optimizer?.getState();
    const slotViews = new Map(
      [...(opt?.slots ?? [])].map(([k, s]) => [
        k,
        {
          step: view(s.step),
          tensors: Object.fromEntries(Object.entries(s.tensors).map(([n, t]) => [n, view(t)])),
        },
      ]),
    );
    const groups = opt?.groups.map((g) => ({ ...g }));
    // The snapshot keys slots by parameter object where the optimizer can (`restore` puts each
    // back on the same parameter, whatever module lists it next), and by name for `optimizer`.
    const optimizer = opt &&
      groups && {
        groups,
        slots: new Map([...slotViews].map(([k, s]) => [typeof k === 'string' ? k : k.name, s])),
      };
    const optimizerByParameter =
      this.optimizer?.getStateByParameter && groups ? { groups, slots: slotViews } : undefined;
    // A step changes no callback, position or history: its snapshot leaves them out (a hot path).
    const callbacks = (scope === 'run' ? this.statefulCallbacks() : []).map((c) => {
      const s = c.getState?.();
      return (
        s && { values: { ...s.values }, tensors: s.tensors && new Map([...s.tensors].map(([k, t]) => [k, view(t)])) }
      );
    });
    const tensors = (): Tensor[] => [
      ...model.values(),
      ...[...slotViews.values()].flatMap((s) => [s.step, ...Object.values(s.tensors)]),
      ...callbacks.flatMap((c) => [...(c?.tensors?.values() ?? [])]),
    ];
    return {
      scope,
      model,
      optimizer,
      optimizerByParameter,
      callbacks,
      generators: this.model.namedGenerators().map(([, g]) => g.getState()),
      global: defaultGenerator.getState(),
      position: { ...this.position },
      progress: { ...this.progress, metricSums: [...this.progress.metricSums] },
      history: scope === 'run' ? this.history.map((h) => ({ ...h })) : [],
      stopReason: this.stopReason,
      dispose: () => dispose(tensors()),
    };
  }

  /** Puts back a {@link snapshot} (the snapshot still owns its views: dispose it afterwards). */
  restore(s: StateSnapshot): void {
    this.model.loadStateDict(s.model);
    if (this.optimizer?.setStateByParameter && s.optimizerByParameter)
      this.optimizer.setStateByParameter(s.optimizerByParameter);
    else if (this.optimizer && s.optimizer) this.optimizer.setState(s.optimizer);
    this.statefulCallbacks().forEach((c, i) => {
      const cs = s.callbacks[i];
      if (cs) c.setState?.(cs);
    });
    this.model.namedGenerators().forEach(([, g], i) => {
      g.setState(s.generators[i]);
    });
    defaultGenerator.setState(s.global);
    if (s.scope === 'step') return;
    this.position = { ...s.position };
    this.progress = { ...s.progress, metricSums: [...s.progress.metricSums] };
    this.history = s.history.map((h) => ({ ...h }));
    this.stopReason = s.stopReason;
  }
}
