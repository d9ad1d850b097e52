/**
 * Search spaces and configurations are checked before anything is built or run: every value must
 * be one JSON writes and reads back as itself (resume files and `configKey` are JSON), lists must
 * not be empty, and a grid too large to build is refused. Result rows read back (resume files) and
 * the metrics a trial returns are checked too.
 */
import { cpu } from '@backprop/backend-cpu';
import { setBackend, ValueError } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { distributedSearch } from '../src/distributed.js';
import { MAX_GRID_CONFIGS } from '../src/grid.js';
import {
  choice,
  configKey,
  type Distribution,
  gridConfigs,
  gridSearch,
  logUniform,
  mlpFromConfig,
  randomConfigs,
  randomSearch,
  runSearch,
  SearchResults,
  type SearchSpace,
  uniform,
} from '../src/index.js';

/** A space that bypasses the types, as a JavaScript caller or a parsed file can. */
const raw = (o: unknown) => o as SearchSpace;

describe('search space values', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['NaN', NaN, /"lr": NaN is not a finite number/],
    ['Infinity', Number.POSITIVE_INFINITY, /"lr": Infinity is not a finite number/],
    ['undefined', undefined, /"lr": undefined is not a number, string, boolean or list of those/],
    ['null', null, /"lr": null is not a number/],
    ['a function', Math.tanh, /"lr": a function is not a number/],
    ['an empty list', [], /"lr" has no values/],
    ['a list holding NaN', [0.1, NaN], /"lr" choice 1: NaN is not a finite number/],
    ['a list of lists of lists', [[[1]]], /"lr" choice 0: element 0: \[1\] is not a number, string, boolean/],
    ['choice() made by hand, empty', { kind: 'choice', values: [] }, /"lr" has no values/],
    ['a plain object', { low: 1e-4, high: 0.1 }, /"lr" must be a number, string, boolean, a list of choices/],
  ];
  for (const [what, value, message] of invalid) {
    it(`refuses ${what}, in grid and random search alike`, () => {
      expect(() => gridConfigs(raw({ units: [8, 16], lr: value }))).toThrow(ValueError);
      expect(() => gridConfigs(raw({ units: [8, 16], lr: value }))).toThrow(message);
      expect(() => randomConfigs(raw({ units: [8, 16], lr: value }), 3)).toThrow(message);
    });
  }

  it('names the function to call when a distribution was read from JSON', () => {
    const space = JSON.parse(JSON.stringify({ lr: logUniform(1e-4, 1e-1) }));
    expect(space.lr).toEqual({ kind: 'logUniform', low: 1e-4, high: 1e-1 });
    expect(() => randomConfigs(space, 2)).toThrow(/lost its functions: build it with logUniform\(low, high\)/);
  });

  it('checks what a distribution of the caller gives', () => {
    const broken: Distribution = { ...uniform(0, 1), sample: () => NaN, grid: () => [0.5, Number.NaN] };
    expect(() => randomConfigs({ p: broken }, 2)).toThrow(/randomConfigs: "p" drawn from its distribution: NaN/);
    expect(() => gridConfigs({ p: broken })).toThrow(/gridConfigs: "p" is a grid point of its distribution: NaN/);
    expect(() => gridConfigs({ p: { ...uniform(0, 1), grid: () => [] } })).toThrow(/gave no grid points/);
  });

  it('accepts lists of lists (e.g. hidden layer sizes) and objects without a prototype', () => {
    expect(gridConfigs({ hidden: choice([[], [64], [128, 64]]) })).toEqual([
      { hidden: [] },
      { hidden: [64] },
      { hidden: [128, 64] },
    ]);
    const bare = Object.assign(Object.create(null), { units: choice([8, 16]) });
    expect(gridConfigs(bare)).toHaveLength(2);
  });

  it('refuses a space that is not a plain object', () => {
    expect(() => gridConfigs(raw([1, 2]))).toThrow(/search space must be an object of hyperparameters, got \[1,2\]/);
    expect(() => randomConfigs(raw('lr'), 2)).toThrow(/search space must be an object/);
    expect(() => gridConfigs(raw(new Map([['lr', [0.1]]])))).toThrow(/search space must be an object/);
  });
});

describe('grid size', () => {
  it(`refuses a grid of more than ${MAX_GRID_CONFIGS} configurations before building any`, () => {
    const space = { a: uniform(0, 1), b: uniform(0, 1), c: uniform(0, 1) };
    expect(gridConfigs(space, { pointsPerDistribution: 100 })).toHaveLength(1_000_000);
    expect(() => gridConfigs(space, { pointsPerDistribution: 101 })).toThrow(
      /the grid has 1\.03e\+6 configurations \(a 101 × b 101 × c 101\), more than 1,000,000/,
    );
  });
});

describe('searches check before any trial runs', () => {
  const options = { metric: 'loss', verbose: false } as const;

  it('gridSearch, randomSearch and runSearch refuse bad values without calling the trial', async () => {
    let calls = 0;
    const trial = async () => {
      calls++;
      return { loss: 1 };
    };
    await expect(gridSearch(raw({ lr: [0.1, NaN] }), trial, options)).rejects.toThrow(/gridSearch: "lr" choice 1/);
    await expect(randomSearch(raw({ lr: undefined }), trial, { ...options, trials: 2 })).rejects.toThrow(
      /randomSearch: "lr": undefined/,
    );
    await expect(
      runSearch([{ lr: 0.1 }, raw({ lr: Number.NEGATIVE_INFINITY })] as never, trial, options),
    ).rejects.toThrow(/search: "lr" in configuration 1: -Infinity is not a finite number/);
    await expect(runSearch(raw([null]) as never, trial, options)).rejects.toThrow(
      /search: configuration 0 must be an object of hyperparameters, got null/,
    );
    await expect(gridSearch({}, trial, options)).rejects.toThrow(/gridSearch: the search space is empty/);
    expect(calls).toBe(0);
  });

  it('distributedSearch refuses bad configurations and spaces before it connects to the database', async () => {
    const o = {
      url: 'postgres://nobody@127.0.0.1:1/none',
      study: 's',
      trialModule: 'file:///none.mjs',
      metric: 'loss',
    };
    await expect(distributedSearch({ ...o, configs: [{ lr: 0.1 }, raw({ lr: NaN })] as never })).rejects.toThrow(
      /distributedSearch: "lr" in configuration 1: NaN is not a finite number/,
    );
    await expect(distributedSearch({ ...o, space: raw({ lr: [] }), trials: 2 })).rejects.toThrow(
      /distributedSearch: "lr" has no values/,
    );
  });
});

describe('mlpFromConfig reads each value as its type', () => {
  beforeAll(async () => {
    await setBackend(cpu());
  });

  const wrong: [Record<string, unknown>, RegExp][] = [
    [{ layers: true }, /config\.layers must be a finite number, got true/],
    [{ layers: [2] }, /config\.layers must be a finite number, got \[2\]/],
    [{ units: '64' }, /config\.units must be a finite number, got "64"/],
    [{ dropout: 'none' }, /config\.dropout must be a finite number, got "none"/],
    [{ activation: ['relu'] }, /config\.activation must be a string, got \["relu"\]/],
    // A negative rate used to build no dropout layer at all.
    [{ dropout: -0.2 }, /dropout: drop must be in \[0, 1\), got -0\.2/],
  ];
  for (const [config, message] of wrong) {
    it(`refuses ${JSON.stringify(config)}`, () => {
      expect(() => mlpFromConfig(2, 3, config as never)).toThrow(message);
    });
  }

  it('builds what a well-typed config describes', () => {
    const model = mlpFromConfig(2, 3, { layers: 2, units: 4, activation: 'tanh', dropout: 0.1 });
    expect(model.parameters().map((p) => p.shape)).toEqual([[2, 4], [4], [4, 4], [4], [4, 3], [3]]);
    model.dispose();
  });
});

describe('result rows and trial metrics', () => {
  const row = { index: 0, config: { lr: 0.1 }, status: 'ok', metrics: { loss: 0.5 }, seconds: 1 };
  const file = (rows: unknown[]) => JSON.stringify({ metric: 'loss', mode: 'min', rows });

  it('fromJSON refuses text cut short and rows a search does not write, naming the row', () => {
    const good = file([row, { ...row, index: 1, metrics: { loss: null } }]);
    expect(SearchResults.fromJSON(good).rows).toHaveLength(2);
    expect(() => SearchResults.fromJSON(good.slice(0, 40))).toThrow(
      /^SearchResults\.fromJSON: the text is not JSON \(.*\); a resume file cut short\?$/,
    );
    const bad: [unknown, RegExp][] = [
      [null, /row 1: expected an object, got null/],
      [{ ...row, index: 'a' }, /row 1: index must be an integer ≥ 0, got "a"/],
      [{ ...row, config: undefined }, /row 1: config must be an object of hyperparameters, got undefined/],
      [{ ...row, config: { lr: null } }, /"lr" in configuration 1: null is not a number/],
      [{ ...row, status: 'done' }, /row 1: status must be one of ok, pruned, failed, cancelled, got "done"/],
      [{ ...row, metrics: { loss: '0.5' } }, /row 1: metric "loss" must be a number, got "0.5"/],
      [{ ...row, seconds: -1 }, /row 1: seconds must be a number ≥ 0, got -1/],
      [{ ...row, curve: [[1]] }, /row 1: curve must be a list of \[epoch, value\] pairs/],
    ];
    for (const [r, message] of bad) expect(() => SearchResults.fromJSON(file([row, r]))).toThrow(message);
  });

  it('a trial returning a metric that is not a number fails, with the reason, and the search goes on', async () => {
    const results = await gridSearch(
      { x: [1, 2] },
      async (c) => (c.x === 1 ? { loss: '0.3' as never } : { loss: 0.2 }),
      {
        metric: 'loss',
        verbose: false,
      },
    );
    expect(results.rows.map((r) => [r.status, r.error?.message])).toEqual([
      ['failed', 'trial returned metric "loss" = "0.3"; every metric must be a number'],
      ['ok', undefined],
    ]);
    expect(results.best.config).toEqual({ x: 2 });
  });
});

describe('configKey', () => {
  it('refuses values JSON would write as null, so no two configurations share a key', () => {
    const bad: [unknown, RegExp][] = [
      [{ lr: NaN }, /^configKey: "lr": NaN is not a finite number/],
      [{ lr: Number.NEGATIVE_INFINITY }, /^configKey: "lr": -Infinity is not a finite number/],
      [{ lr: undefined }, /^configKey: "lr": undefined is not a number/],
      [{ lr: null }, /^configKey: "lr": null is not a number/],
      [{ units: [32, NaN] }, /^configKey: "units": element 1: NaN is not a finite number/],
      [null, /^configKey: expected a configuration/],
      [[1, 2], /^configKey: expected a configuration/],
    ];
    for (const [config, message] of bad) {
      expect(() => configKey(config as never)).toThrow(ValueError);
      expect(() => configKey(config as never)).toThrow(message);
    }
    expect(configKey({ units: [32, 16], lr: 0.1, act: 'relu', bn: true })).toBe(
      '[["act","relu"],["bn",true],["lr",0.1],["units",[32,16]]]',
    );
  });
});
