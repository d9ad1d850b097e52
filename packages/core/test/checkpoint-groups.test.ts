/**
 * Checkpoints record each parameter's parameter group (when the optimizer has `groupIndex`), and
 * loading refuses an optimizer that puts a parameter in another group: groups are saved by
 * position, so the parameter would silently train with the other group's rates.
 */
import {
  CheckpointError,
  dispose,
  loadCheckpoint,
  nn,
  type Optimizer,
  type OptimizerState,
  type Parameter,
  parseSafetensors,
  type SafetensorsEntry,
  saveCheckpoint,
  saveSafetensors,
  type Tensor,
  TrainingState,
  tensor,
  tidy,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './setup.js';

beforeAll(useCpu);

/** Plain SGD with parameter groups: `groups` pick parameters by `match`, the last group takes the rest. */
class GroupedSGD implements Optimizer {
  readonly paramGroups: { match?: (p: Parameter) => boolean; lr: number }[];
  constructor(lr: number, groups: { match: (p: Parameter) => boolean; lr: number }[] = []) {
    this.paramGroups = [...groups.map((g) => ({ ...g })), { lr }];
  }
  /** The default group's rate; setting it sets every group's. */
  get lr(): number {
    return this.paramGroups[this.paramGroups.length - 1].lr;
  }
  set lr(value: number) {
    for (const g of this.paramGroups) g.lr = value;
  }
  groupIndex(p: Parameter): number {
    const i = this.paramGroups.findIndex((g) => g.match?.(p));
    return i < 0 ? this.paramGroups.length - 1 : i;
  }
  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    params.forEach((p, i) => {
      const { lr } = this.paramGroups[this.groupIndex(p)];
      p.assign(tidy(() => p.value.sub(grads[i].mul(lr))));
    });
  }
  getState(): OptimizerState {
    return { groups: this.paramGroups.map((g) => ({ lr: g.lr })), slots: new Map() };
  }
  setState(state: OptimizerState): void {
    if (state.groups.length !== this.paramGroups.length) throw new ValueError('GroupedSGD: group count');
    state.groups.forEach((g, i) => {
      this.paramGroups[i].lr = g.lr as number;
    });
  }
  dispose() {}
}

const isBias = (p: Parameter) => p.name.endsWith('bias');
const isWeight = (p: Parameter) => p.name.endsWith('weight');
const build = (seed = 1) => nn.sequential(nn.dense(3, 2, { seed }));
const weights = (m: nn.Module) => m.parameters().map((p) => p.value.dataSync().slice());
const tensorOf = (e: SafetensorsEntry) =>
  tensor(
    e.dtype === 'int32' ? new Int32Array(e.data.slice().buffer) : new Float32Array(e.data.slice().buffer),
    e.shape,
    e.dtype,
  );
const rates = (o: GroupedSGD) => o.paramGroups.map((g) => g.lr);

describe('checkpoints and parameter groups', () => {
  it("records each parameter's group index by name", async () => {
    const model = build();
    const bytes = await saveCheckpoint(model, new GroupedSGD(0.01, [{ match: isBias, lr: 0.5 }]));
    const { metadata } = parseSafetensors(bytes);
    expect(JSON.parse(metadata['backprop.groups'])).toEqual({ '0.weight': 1, '0.bias': 0 });
    model.dispose();
  });

  it('refuses an optimizer that puts a parameter in another group, changing nothing', async () => {
    const saved = build(1);
    const bytes = await saveCheckpoint(saved, new GroupedSGD(0.01, [{ match: isBias, lr: 0.5 }]));
    const model = build(2);
    const before = weights(model);
    const other = new GroupedSGD(0.01, [{ match: isWeight, lr: 0.001 }]);
    let error: unknown;
    try {
      loadCheckpoint(bytes, model, other);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).rule).toBe('group-membership');
    expect((error as CheckpointError).entry).toBe('backprop.groups.0.weight');
    expect((error as Error).message).toMatch(/parameter 0\.weight was in parameter group 1 .* is in group 0 /);
    expect(weights(model)).toEqual(before);
    expect(rates(other)).toEqual([0.001, 0.01]);

    // The same through a whole training state (what fit's resume loads).
    const state = new TrainingState({ model: saved, optimizer: new GroupedSGD(0.01, [{ match: isBias, lr: 0.5 }]) });
    const whole = await state.save();
    const into = new TrainingState({ model, optimizer: other });
    expect(() => into.load(whole)).toThrow(/parameter 0\.weight was in parameter group 1/);
    expect(weights(model)).toEqual(before);
    expect(rates(other)).toEqual([0.001, 0.01]);
    saved.dispose();
    model.dispose();
  });

  it('loads into an optimizer with the same groups, whatever their rates', async () => {
    const saved = build(1);
    const bytes = await saveCheckpoint(saved, new GroupedSGD(0.01, [{ match: isBias, lr: 0.5 }]));
    const model = build(2);
    const same = new GroupedSGD(1, [{ match: (p) => p.name === '0.bias', lr: 2 }]);
    loadCheckpoint(bytes, model, same);
    expect(rates(same)).toEqual([0.5, 0.01]);
    expect(weights(model)).toEqual(weights(saved));
    saved.dispose();
    model.dispose();
  });

  it('a checkpoint without the record (older files, optimizers without groupIndex) loads as before', async () => {
    const saved = build(1);
    const legacy = new GroupedSGD(0.01, [{ match: isBias, lr: 0.5 }]);
    Object.defineProperty(legacy, 'groupIndex', { value: undefined });
    const bytes = await saveCheckpoint(saved, legacy);
    expect(parseSafetensors(bytes).metadata['backprop.groups']).toBeUndefined();
    const model = build(2);
    const other = new GroupedSGD(0.01, [{ match: isWeight, lr: 0.001 }]);
    loadCheckpoint(bytes, model, other);
    expect(rates(other)).toEqual([0.5, 0.01]);
    expect(weights(model)).toEqual(weights(saved));
    saved.dispose();
    model.dispose();
  });

  it('refuses a malformed record', async () => {
    const model = build(1);
    const opt = new GroupedSGD(0.01, [{ match: isBias, lr: 0.5 }]);
    const bytes = await saveCheckpoint(model, opt);
    const { entries, metadata } = parseSafetensors(bytes);
    const tensors = new Map(entries.map((e) => [e.name, tensorOf(e)]));
    for (const [bad, rule] of [
      ['{"0.weight": -1, "0.bias": 0}', 'state'],
      ['{"0.weight": 1, "0.bias": 0, "1.weight": 0}', 'groups'],
      ['not json', 'state'],
    ] as const) {
      const edited = await saveSafetensors(tensors, { ...metadata, 'backprop.groups': bad });
      expect(() => loadCheckpoint(edited, model, opt)).toThrow(
        expect.objectContaining({ rule, constructor: CheckpointError }),
      );
    }
    dispose([...tensors.values()]);
    model.dispose();
  });
});
