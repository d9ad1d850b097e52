/**
 * Checkpoints: a whole {@link TrainingState} in one safetensors file. Tensors are named as
 * PyTorch names them (`model.0.weight`, `optimizer.0.weight.expAvg`), so other safetensors
 * readers open the file; the rest of the state (hyperparameters, schedulers, generators, the
 * position in the data) is JSON in the metadata. Loading validates the whole file, then
 * applies everything or nothing.
 */
import type { DType, TypedArray } from '../dtype.js';
import { BackpropError, CheckpointError, ValueError } from '../errors.js';
import { dispose } from '../memory.js';
import type { Module } from '../nn/module.js';
import { tensor } from '../ops/creation.js';
import type { GeneratorState } from '../random/generator.js';
import { defaultGenerator } from '../random/generator.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { CallbackState, EpochLogs, StateValue } from '../train/callbacks.js';
import type { Hyperparameters, HyperValue, Optimizer, OptimizerState, SlotState } from '../train/optimizer.js';
import { type DataOrder, type EpochProgress, type Position, TrainingState } from '../train/training-state.js';
import { formatValue } from '../validate.js';
import {
  checkLoadOptions,
  OWN_KEY_PREFIX,
  parseSafetensors,
  type SafetensorsEntry,
  saveSafetensors,
} from './safetensors.js';
import { parseState, stringifyState } from './state-json.js';

/** The `format` metadata of checkpoints this version writes and reads. */
export const CHECKPOINT_FORMAT = 'backprop-checkpoint-2';
const STATE_KEY = 'backprop.state';
/** Metadata key of the data order a `fit` run saved (see `TrainingState.dataOrder`). */
const DATA_KEY = 'backprop.data';
/** Metadata key of why the saved `fit` run was asked to stop, when it was (see `TrainingState.stopReason`). */
const STOP_KEY = 'backprop.stop';
/**
 * Metadata key of the optimizer's name (`Optimizer.name`, e.g. "Adam"), when it has one: Adam and
 * AdamW keep the same hyperparameter and slot names, and AdamW would read Adam's coupled weight
 * decay as its decoupled one.
 */
const OPTIMIZER_KEY = 'backprop.optimizer';
/**
 * Metadata key of each model parameter's parameter group (`Optimizer.groupIndex`), as JSON
 * `{ "0.weight": 1, "0.bias": 0 }`, when the optimizer has `groupIndex`: groups are saved by
 * position, and a parameter loaded into another group would silently take that group's rates.
 */
const GROUPS_KEY = 'backprop.groups';
/**
 * Every `backprop.` metadata key a checkpoint of this format holds (the checksums are read by
 * `parseSafetensors`). Any other is refused: it is a known key with a flipped bit (whose record
 * would silently be lost) or a record of a newer version that this one would ignore.
 */
const OWN_KEYS: ReadonlySet<string> = new Set([STATE_KEY, DATA_KEY, STOP_KEY, OPTIMIZER_KEY, GROUPS_KEY]);

/** Options of {@link loadCheckpoint} and `TrainingState.load`. */
export interface LoadCheckpointOptions {
  /**
   * Check the data and the header against the checksums recorded when the file was written
   * (default true): a flipped bit in the weights is an error instead of a silently different
   * model, and a checkpoint lacking either checksum (a flipped bit in its key's name) is refused.
   * False skips both checks, to salvage a damaged file; a `backprop.` metadata key the format does
   * not have is refused either way.
   */
  verifyChecksum?: boolean;
}

interface SavedSlots {
  groups: Hyperparameters[];
  slots: Record<string, string[]>;
}
interface SavedCallback {
  name: string;
  values: Record<string, StateValue>;
  tensors: string[];
}
interface SavedState {
  version: 2;
  position: Position;
  progress: EpochProgress;
  history: EpochLogs[];
  generators: { global: GeneratorState; modules: Record<string, GeneratorState> };
  optimizer: SavedSlots | null;
  callbacks: SavedCallback[];
}

/** Serializes `state` (and string `metadata` of your own) into checkpoint bytes. */
export async function encodeCheckpoint(
  state: TrainingState,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
    throw new ValueError(`saveCheckpoint: metadata must be an object of strings, got ${formatValue(metadata)}`);
  for (const k of Object.keys(metadata))
    if (k === 'format' || k.startsWith(OWN_KEY_PREFIX))
      throw new ValueError(`saveCheckpoint: metadata key "${k}" is reserved; use another name`);
  const tensors = new Map<string, Tensor>();
  const put = (name: string, t: Tensor) => {
    if (tensors.has(name))
      throw new ValueError(`saveCheckpoint: two tensors would be named "${name}"; rename a parameter`);
    tensors.set(name, t);
  };
  for (const [k, v] of state.model.stateDict()) put(`model.${k}`, v);
  let optimizer: SavedSlots | null = null;
  if (state.optimizer) {
    const s = state.optimizer.getState();
    const slots: Record<string, string[]> = {};
    for (const [name, slot] of s.slots) {
      const keys = Object.keys(slot.tensors).sort();
      if (keys.includes('step'))
        throw new ValueError(`saveCheckpoint: optimizer state of ${name} has a tensor named "step"`);
      slots[name] = keys;
      put(`optimizer.${name}.step`, slot.step);
      for (const k of keys) put(`optimizer.${name}.${k}`, slot.tensors[k]);
    }
    optimizer = { groups: s.groups.map((g) => ({ ...g })), slots };
  }
  const callbacks = state.statefulCallbacks().map((c, i): SavedCallback => {
    const s = c.getState?.() as CallbackState;
    const names = [...(s.tensors?.keys() ?? [])];
    for (const n of names) put(`callbacks.${i}.${n}`, s.tensors?.get(n) as Tensor);
    return { name: c.stateName ?? '', values: { ...s.values }, tensors: names };
  });
  const body: SavedState = {
    version: 2,
    position: state.position,
    progress: state.progress,
    history: state.history,
    generators: {
      global: defaultGenerator.getState(),
      modules: Object.fromEntries(state.model.namedGenerators().map(([k, g]) => [k, g.getState()])),
    },
    optimizer,
    callbacks,
  };
  const data: Record<string, string> = state.dataOrder ? { [DATA_KEY]: JSON.stringify(state.dataOrder) } : {};
  const stop: Record<string, string> = state.stopReason === undefined ? {} : { [STOP_KEY]: state.stopReason };
  const optimizerName = state.optimizer?.name;
  const named: Record<string, string> = typeof optimizerName === 'string' ? { [OPTIMIZER_KEY]: optimizerName } : {};
  const membership = groupMembership(state);
  const grouped: Record<string, string> = membership ? { [GROUPS_KEY]: JSON.stringify(membership) } : {};
  return saveSafetensors(tensors, {
    ...metadata,
    format: CHECKPOINT_FORMAT,
    [STATE_KEY]: stringifyState(body),
    ...data,
    ...stop,
    ...named,
    ...grouped,
  });
}

/** Each model parameter's group index, by name, when the optimizer tells it (`groupIndex`). */
function groupMembership(state: TrainingState): Record<string, number> | undefined {
  const optimizer = state.optimizer;
  if (!optimizer || typeof optimizer.groupIndex !== 'function') return undefined;
  const out: Record<string, number> = {};
  for (const [name, p] of state.model.namedParameters()) {
    const i = optimizer.groupIndex(p);
    if (!isCount(i)) return undefined;
    out[name] = i;
  }
  return out;
}

/**
 * Checks that every parameter the checkpoint records a group for is in the same group of
 * `optimizer` (files written before the groups were recorded have no record and are not checked).
 */
function checkMembership(state: TrainingState, optimizer: Optimizer, text: string | undefined): void {
  if (text === undefined || typeof optimizer.groupIndex !== 'function') return;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    fail(GROUPS_KEY, 'state', "expected each parameter's group as JSON", text.slice(0, 40));
  }
  if (!isRecord(v) || !Object.values(v).every(isCount))
    fail(GROUPS_KEY, 'state', 'expected an object of group indices (integers ≥ 0) by parameter name', v);
  const params = new Map(state.model.namedParameters());
  for (const [name, saved] of Object.entries(v as Record<string, number>)) {
    const p =
      params.get(name) ??
      fail(`${GROUPS_KEY}.${name}`, 'groups', 'a group for a parameter the model does not have', name);
    const now = optimizer.groupIndex(p);
    if (now !== saved)
      throw new CheckpointError(
        `${GROUPS_KEY}.${name}`,
        'group-membership',
        `loadCheckpoint: parameter ${name} was in parameter group ${saved} of the saved optimizer and is in group ${now} of this one: it would take another group's hyperparameters; build the optimizer with the saved run's groups`,
      );
  }
}

const fail = (entry: string, rule: string, what: string, got: unknown): never => {
  throw new CheckpointError(
    entry,
    rule,
    `loadCheckpoint: ${entry}: ${what}, got ${JSON.stringify(got) ?? String(got)}`,
  );
};
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isU32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

/** True when `a` and `b` hold the same names (compared as sets, not joined strings). */
const sameNames = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && new Set(a).size === a.length && a.every((k) => b.includes(k));

function checkKeys(entry: string, v: unknown, keys: readonly string[]): Record<string, unknown> {
  if (!isRecord(v)) return fail(entry, 'state', `expected an object with ${keys.join(', ')}`, v);
  const got = Object.keys(v);
  if (!sameNames(got, keys)) fail(entry, 'state', `expected exactly the keys ${keys.join(', ')}`, got);
  return v;
}

function checkGenerator(entry: string, v: unknown): GeneratorState {
  const g = checkKeys(entry, v, ['key', 'offset']);
  if (!Array.isArray(g.key) || g.key.length !== 2 || !g.key.every(isU32))
    fail(entry, 'generator', 'key must be two 32-bit unsigned integers', g.key);
  if (!isCount(g.offset)) fail(entry, 'generator', 'offset must be an integer ≥ 0', g.offset);
  return g as unknown as GeneratorState;
}

function sameKind(a: HyperValue, b: unknown): boolean {
  if (Array.isArray(a))
    return Array.isArray(b) && b.length === a.length && b.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (typeof a === 'number') return typeof b === 'number' && Number.isFinite(b);
  return typeof b === typeof a;
}

function checkGroups(optimizer: Optimizer, v: unknown): Hyperparameters[] {
  const current = optimizer.getState().groups;
  if (!Array.isArray(v) || v.length !== current.length)
    fail('optimizer.groups', 'groups', `expected ${current.length} parameter groups`, Array.isArray(v) ? v.length : v);
  return (v as unknown[]).map((g, i) => {
    const entry = `optimizer.groups.${i}`;
    const want = current[i];
    const rec = checkKeys(entry, g, Object.keys(want));
    for (const [k, value] of Object.entries(rec))
      if (!sameKind(want[k], value))
        fail(
          `${entry}.${k}`,
          'hyperparameter',
          `expected a finite ${typeof want[k]} like ${JSON.stringify(want[k])}`,
          value,
        );
    if ((rec.lr as number) < 0) fail(`${entry}.lr`, 'hyperparameter', 'the learning rate must be ≥ 0', rec.lr);
    return rec as Hyperparameters;
  });
}

function checkLogs(entry: string, v: unknown): EpochLogs {
  if (!isRecord(v) || !Object.values(v).every((x) => typeof x === 'number'))
    return fail(entry, 'state', 'expected an object of numbers', v);
  return v as EpochLogs;
}

function valuesOf(e: SafetensorsEntry): TypedArray {
  const copy = e.data.slice();
  if (e.dtype === 'float32') return new Float32Array(copy.buffer);
  if (e.dtype === 'int32') return new Int32Array(copy.buffer);
  return copy;
}

/** The validated contents of a checkpoint, before anything is applied. */
interface Plan {
  model: [string, SafetensorsEntry][];
  groups?: Hyperparameters[];
  slots: [string, SafetensorsEntry, [string, SafetensorsEntry][]][];
  callbacks: [Record<string, StateValue>, [string, SafetensorsEntry][]][];
  body: SavedState;
  metadata: Record<string, string>;
  /** Why the saved run was asked to stop, if it was. */
  stopReason: string | undefined;
}

/** What {@link inspectCheckpoint} reads of a checkpoint without loading it. */
export interface CheckpointSummary {
  /** The next batch the saved run would have run. */
  position: Position;
  /** The saved epoch's running sums. */
  progress: EpochProgress;
  /** The order the saved `fit` run read its data in (absent in checkpoints of user loops and older files). */
  dataOrder?: DataOrder;
  /** Why the saved `fit` run was asked to stop (early stopping, …); absent when it was not. */
  stopReason?: string;
  /** Your metadata. */
  metadata: Record<string, string>;
}

/**
 * Reads where a checkpoint stopped (position, the epoch's sums, the data order of the `fit` run
 * that saved it) after checking its format and checksum, without loading anything: `fit` checks
 * a checkpoint against its own data and options with it before it restores any of it.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { inspectCheckpoint, nn, saveCheckpoint, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const bytes = await saveCheckpoint(nn.sequential(nn.dense(2, 1)), undefined, { run: 'a' });
 * const { position, dataOrder, metadata } = inspectCheckpoint(bytes);
 * console.log(position, dataOrder, metadata); // { epoch: 0, batch: 0 } undefined { run: 'a' }
 * ```
 */
export function inspectCheckpoint(bytes: Uint8Array, options: LoadCheckpointOptions = {}): CheckpointSummary {
  checkLoadOptions('inspectCheckpoint', options);
  const { metadata } = parseSafetensors(bytes, options);
  const body = readBody(metadata);
  return {
    position: { ...body.position },
    progress: { ...body.progress, metricSums: [...body.progress.metricSums] },
    ...(metadata[DATA_KEY] === undefined ? {} : { dataOrder: readDataOrder(metadata[DATA_KEY]) }),
    ...(metadata[STOP_KEY] === undefined ? {} : { stopReason: metadata[STOP_KEY] }),
    metadata: userMetadata(metadata),
  };
}

function readDataOrder(text: string): DataOrder {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return fail(DATA_KEY, 'state', 'expected the data order as JSON', text.slice(0, 40));
  }
  const d = checkKeys(DATA_KEY, v, ['examples', 'batchSize', 'shuffle', 'seed']);
  if (!isCount(d.examples) || !isCount(d.batchSize) || typeof d.shuffle !== 'boolean' || !isCount(d.seed))
    fail(DATA_KEY, 'state', 'expected { examples, batchSize, seed: integers ≥ 0, shuffle: boolean }', d);
  return d as unknown as DataOrder;
}

function plan(state: TrainingState, bytes: Uint8Array, options: LoadCheckpointOptions, wholeRun: boolean): Plan {
  const { entries, metadata } = parseSafetensors(bytes, options);
  const body = readBody(metadata);
  return planEntries(state, entries, metadata, body, wholeRun);
}

/**
 * Checks the format, that every `backprop.` key is one this format has, and the training state's
 * JSON: position, progress, history and the rest, by shape.
 */
function readBody(metadata: Record<string, string>): SavedState {
  if (metadata.format !== CHECKPOINT_FORMAT)
    fail(
      'format',
      'format',
      `expected a checkpoint of format "${CHECKPOINT_FORMAT}" (saveCheckpoint / TrainingState.save)`,
      metadata.format ?? null,
    );
  for (const k of Object.keys(metadata))
    if (k.startsWith(OWN_KEY_PREFIX) && !OWN_KEYS.has(k))
      fail(
        k,
        'metadata',
        `not a key of format "${CHECKPOINT_FORMAT}" (keys starting with "${OWN_KEY_PREFIX}" are Backprop's: ${[...OWN_KEYS].join(', ')}); the file is damaged or from a newer version`,
        k,
      );
  let raw: unknown;
  try {
    raw = parseState(metadata[STATE_KEY] ?? '');
  } catch (e) {
    fail(
      STATE_KEY,
      'state',
      `the training state is not valid JSON (${(e as Error).message})`,
      (metadata[STATE_KEY] ?? '').slice(0, 40),
    );
  }
  const body = checkKeys(STATE_KEY, raw, [
    'version',
    'position',
    'progress',
    'history',
    'generators',
    'optimizer',
    'callbacks',
  ]);
  if (body.version !== 2) fail(`${STATE_KEY}.version`, 'state', 'expected version 2', body.version);
  const position = checkKeys('position', body.position, ['epoch', 'batch']);
  if (!isCount(position.epoch) || !isCount(position.batch))
    fail('position', 'position', 'epoch and batch must be integers ≥ 0', position);
  const progress = checkKeys('progress', body.progress, ['seen', 'lossSum', 'metricSums']);
  if (
    !isCount(progress.seen) ||
    typeof progress.lossSum !== 'number' ||
    !Array.isArray(progress.metricSums) ||
    !progress.metricSums.every((x) => typeof x === 'number')
  )
    fail('progress', 'progress', 'expected { seen: integer ≥ 0, lossSum: number, metricSums: number[] }', progress);
  if (!Array.isArray(body.history)) fail('history', 'state', 'expected an array of epoch logs', body.history);
  (body.history as unknown[]).forEach((h, i) => checkLogs(`history.${i}`, h));
  const gens = checkKeys('generators', body.generators, ['global', 'modules']);
  checkGenerator('generators.global', gens.global);
  return body as unknown as SavedState;
}

/** Checks every record against the model, optimizer and callbacks of `state`, and picks each tensor's entry. */
function planEntries(
  state: TrainingState,
  entries: readonly SafetensorsEntry[],
  metadata: Record<string, string>,
  body: SavedState,
  wholeRun: boolean,
): Plan {
  const gens = body.generators as unknown as Record<string, unknown>;
  const modules = isRecord(gens.modules)
    ? gens.modules
    : fail('generators.modules', 'generator', 'expected an object', gens.modules);
  const paths = state.model.namedGenerators().map(([k]) => k);
  if (!sameNames(Object.keys(modules), paths))
    fail(
      'generators.modules',
      'generator',
      `expected the model's generators [${paths.join(', ')}]`,
      Object.keys(modules),
    );
  for (const p of paths) checkGenerator(`generators.modules.${p}`, modules[p]);

  const byName = new Map(entries.map((e) => [e.name, e]));
  const used = new Set<string>();
  const take = (name: string, dtype?: DType, shape?: readonly number[]): SafetensorsEntry => {
    const e = byName.get(name) ?? fail(name, 'missing-entry', 'the checkpoint has no such tensor', null);
    if (dtype && e.dtype !== dtype) fail(name, 'dtype', `expected ${dtype}`, e.dtype);
    if (shape && !shapesEqual(e.shape, shape)) fail(name, 'shape', `expected shape [${shape}]`, e.shape);
    used.add(name);
    return e;
  };

  const model = [...state.model.stateDict()].map(([k, t]): [string, SafetensorsEntry] => [
    k,
    take(`model.${k}`, t.dtype, t.shape),
  ]);
  const shapes = new Map(state.model.namedParameters().map(([k, p]) => [k, p.shape]));

  const out: Plan = {
    model,
    slots: [],
    callbacks: [],
    body,
    metadata: userMetadata(metadata),
    stopReason: metadata[STOP_KEY],
  };
  if (body.optimizer !== null) {
    const opt = checkKeys('optimizer', body.optimizer, ['groups', 'slots']);
    if (!isRecord(opt.slots)) fail('optimizer.slots', 'state', 'expected an object', opt.slots);
    for (const [name, keys] of Object.entries(opt.slots as Record<string, unknown>)) {
      const shape =
        shapes.get(name) ?? fail(`optimizer.${name}`, 'slot', 'state for a parameter the model does not have', name);
      if (
        !Array.isArray(keys) ||
        !keys.every((k) => typeof k === 'string' && k !== 'step') ||
        new Set(keys).size !== keys.length
      )
        fail(`optimizer.${name}`, 'slot', 'expected a list of distinct tensor names', keys);
      const step = take(`optimizer.${name}.step`, 'int32', []);
      const t = new DataView(step.data.buffer, step.data.byteOffset, 4).getInt32(0, true);
      if (t < 0) fail(`optimizer.${name}.step`, 'step-count', 'a step count must be ≥ 0', t);
      const tensors = (keys as string[]).map((k): [string, SafetensorsEntry] => [
        k,
        take(`optimizer.${name}.${k}`, 'float32', shape),
      ]);
      out.slots.push([name, step, tensors]);
    }
    if (state.optimizer) {
      // Files written before the name was recorded have none; those are checked by their groups alone.
      const saved = metadata[OPTIMIZER_KEY];
      const mine = state.optimizer.name;
      if (saved !== undefined && typeof mine === 'string' && saved !== mine)
        fail(
          'optimizer',
          'optimizer',
          `expected the state of ${mine}; the checkpoint holds ${saved}'s (load it with ${saved})`,
          saved,
        );
      out.groups = checkGroups(state.optimizer, opt.groups);
      checkMembership(state, state.optimizer, metadata[GROUPS_KEY]);
    }
  } else if (state.optimizer)
    fail('optimizer', 'state', 'the checkpoint holds no optimizer state; load it without an optimizer', null);

  if (!Array.isArray(body.callbacks)) fail('callbacks', 'state', 'expected an array', body.callbacks);
  const saved = body.callbacks as unknown[];
  const stateful = state.statefulCallbacks();
  // A whole run must be resumed with the same stateful callbacks: a forgotten scheduler would
  // silently train with other learning rates.
  if (wholeRun && saved.length !== stateful.length)
    fail(
      'callbacks',
      'callbacks',
      `expected the state of ${stateful.length} stateful callbacks (${stateful.map((c) => c.stateName).join(', ')})`,
      saved.length,
    );
  saved.forEach((c, i) => {
    const rec = checkKeys(`callbacks.${i}`, c, ['name', 'values', 'tensors']);
    if (wholeRun && rec.name !== (stateful[i].stateName ?? ''))
      fail(`callbacks.${i}`, 'callbacks', `expected the state of "${stateful[i].stateName ?? ''}"`, rec.name);
    if (
      !isRecord(rec.values) ||
      !Object.values(rec.values).every((x) => x === null || ['number', 'string', 'boolean'].includes(typeof x))
    )
      fail(`callbacks.${i}.values`, 'state', 'expected an object of numbers, strings, flags or null', rec.values);
    if (!Array.isArray(rec.tensors) || !rec.tensors.every((n) => typeof n === 'string'))
      fail(`callbacks.${i}.tensors`, 'state', 'expected a list of tensor names', rec.tensors);
    const tensors = (rec.tensors as string[]).map((n): [string, SafetensorsEntry] => [n, take(`callbacks.${i}.${n}`)]);
    out.callbacks.push([rec.values as Record<string, StateValue>, tensors]);
  });
  for (const e of entries)
    if (!used.has(e.name)) fail(e.name, 'unexpected-entry', 'the checkpoint has a tensor nothing reads', e.name);
  return out;
}

/** The metadata a user gave `save`: every key but the format and Backprop's own. */
function userMetadata(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).filter(([k]) => k !== 'format' && !k.startsWith(OWN_KEY_PREFIX)));
}

/**
 * `optimizer.setState(s)`, its refusal (a typed error: a hyperparameter out of its range, such as
 * Adam's `betas[0] = 1.9`, or a slot it does not keep) made a CheckpointError naming the entry
 * `optimizer` and the rule `optimizer-state`, with the optimizer's message inside and its error
 * as the `cause`. The optimizer checks everything before it changes anything.
 */
function setOptimizerState(optimizer: Optimizer, s: OptimizerState): void {
  try {
    optimizer.setState(s);
  } catch (e) {
    if (!(e instanceof BackpropError) || e instanceof CheckpointError) throw e;
    const err = new CheckpointError(
      'optimizer',
      'optimizer-state',
      `loadCheckpoint: optimizer: ${optimizer.name ?? 'the optimizer'} refuses the saved state (hyperparameters or slots): ${e.message}`,
    );
    Object.defineProperty(err, 'cause', { value: e, writable: true, configurable: true });
    throw err;
  }
}

/**
 * Restores a checkpoint into `state`: validates the whole file (format, checksum, every
 * record against the model, optimizer and callbacks it is loaded into), then applies all of it
 * or, on any error, none. Returns your metadata.
 */
export function decodeCheckpointInto(
  state: TrainingState,
  bytes: Uint8Array,
  options: LoadCheckpointOptions = {},
  { wholeRun = true } = {},
): Record<string, string> {
  checkLoadOptions(wholeRun ? 'TrainingState.load' : 'loadCheckpoint', options);
  const p = plan(state, bytes, options, wholeRun);
  const made: Tensor[] = [];
  const make = (e: SafetensorsEntry): Tensor => {
    const t = tensor(valuesOf(e), e.shape, e.dtype);
    made.push(t);
    return t;
  };
  try {
    const model = new Map(p.model.map(([k, e]) => [k, make(e)]));
    const slots = new Map<string, SlotState>(
      p.slots.map(([name, step, ts]) => [
        name,
        { step: make(step), tensors: Object.fromEntries(ts.map(([k, e]) => [k, make(e)])) },
      ]),
    );
    const callbacks: CallbackState[] = p.callbacks.map(([values, ts]) => ({
      values,
      tensors: new Map(ts.map(([k, e]) => [k, make(e)])),
    }));
    const snapshot = state.snapshot();
    try {
      state.model.loadStateDict(model);
      if (state.optimizer && p.groups) setOptimizerState(state.optimizer, { groups: p.groups, slots });
      if (wholeRun)
        state.statefulCallbacks().forEach((c, i) => {
          c.setState?.(callbacks[i]);
        });
      const gens = p.body.generators;
      for (const [k, g] of state.model.namedGenerators()) g.setState(gens.modules[k]);
      if (wholeRun) defaultGenerator.setState(gens.global);
      state.position = { ...p.body.position };
      state.progress = { ...p.body.progress, metricSums: [...p.body.progress.metricSums] };
      state.history = p.body.history.map((h) => ({ ...h }));
      if (wholeRun) state.stopReason = p.stopReason;
    } catch (e) {
      state.restore(snapshot);
      throw e;
    } finally {
      snapshot.dispose();
    }
  } finally {
    dispose(made);
  }
  return p.metadata;
}

/**
 * Serializes `model` (and `optimizer`'s state) into checkpoint bytes; see `TrainingState.save` for a whole run.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { loadCheckpoint, nn, saveCheckpoint, setBackend } from '@backprop/core';
 * import { adam } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 2));
 * const optimizer = adam();
 * const bytes = await saveCheckpoint(model, optimizer, { epoch: '3' });
 * loadCheckpoint(bytes, model, optimizer); // { epoch: '3' }
 * ```
 */
export function saveCheckpoint(
  model: Module,
  optimizer?: Optimizer,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  return encodeCheckpoint(new TrainingState({ model, optimizer }), metadata);
}

/**
 * Restores `model` (its parameters, buffers and own generators) and `optimizer` from checkpoint
 * bytes; returns your metadata. Everything is checked first; on any error nothing changes and
 * the error (a CheckpointError, also when the optimizer refuses the saved hyperparameters: rule
 * `optimizer-state`) names the entry and the rule. Callbacks' state and the global generator are left
 * alone (use `TrainingState.load` or `fit`'s `resume` to restore a whole run).
 *
 * @example
 * ```ts
 * import { writeFile, readFile } from 'node:fs/promises';
 * import { cpu } from '@backprop/backend-cpu';
 * import { loadCheckpoint, nn, saveCheckpoint, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 2));
 * await writeFile('model.ckpt', await saveCheckpoint(model));
 * const metadata = loadCheckpoint(await readFile('model.ckpt'), model); // {}
 * ```
 */
export function loadCheckpoint(
  bytes: Uint8Array,
  model: Module,
  optimizer?: Optimizer,
  options: LoadCheckpointOptions = {},
): Record<string, string> {
  return decodeCheckpointInto(new TrainingState({ model, optimizer }), bytes, options, { wholeRun: false });
}
