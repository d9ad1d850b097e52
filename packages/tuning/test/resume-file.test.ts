/**
 * Resume files a search did not write as they are: two rows for one trial (a hand-edited file) are
 * refused before any trial runs, and a search with fewer configurations or trials than the file
 * holds keeps the rows past its end in the file. Also randomConfigs' seed check.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueError } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { gridSearch, randomConfigs, randomSearch, runSearch, SearchResults, type Trial } from '../dist/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tuning-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `search-${n++}.json`);

/** A trial that counts its calls; valLoss is the configuration's v. */
function counting() {
  const calls: number[] = [];
  const trial: Trial = async (config, { index }) => {
    calls.push(index);
    return { valLoss: Number(config.v) };
  };
  return { calls, trial };
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { rows: { index: number }[] };

describe('a resume file with two rows for one trial', () => {
  it('is a ValueError naming the rows, before any trial runs', async () => {
    const resumeFile = fresh();
    const first = counting();
    await gridSearch({ v: [5, 4, 3, 2, 1] }, first.trial, { metric: 'valLoss', resumeFile, verbose: false });
    const saved = JSON.parse(readFileSync(resumeFile, 'utf8'));
    saved.rows.push({ ...saved.rows[0], metrics: { valLoss: -100 } });
    writeFileSync(resumeFile, JSON.stringify(saved));
    const again = counting();
    const error = await gridSearch({ v: [5, 4, 3, 2, 1] }, again.trial, {
      metric: 'valLoss',
      resumeFile,
      verbose: false,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/resume file .*search-\d+\.json: .*rows 0 and 5 both hold trial 0/);
    expect(again.calls).toEqual([]);
  });

  it('is refused by fromJSON, by SearchResults and by resume, naming every clash', async () => {
    const row = { index: 0, config: { v: 1 }, status: 'ok', metrics: { valLoss: 1 }, seconds: 0 };
    const rows = [row, { ...row, index: 1 }, { ...row, metrics: { valLoss: -100 } }, { ...row, index: 1 }];
    const json = JSON.stringify({ metric: 'valLoss', mode: 'min', rows });
    expect(() => SearchResults.fromJSON(json)).toThrow(
      /rows 0 and 2 both hold trial 0; rows 1 and 3 both hold trial 1/,
    );
    expect(() => new SearchResults(rows as never, 'valLoss', 'min')).toThrow(ValueError);
    const { calls, trial } = counting();
    await expect(
      runSearch([{ v: 1 }, { v: 1 }], trial, { metric: 'valLoss', resume: rows as never, verbose: false }),
    ).rejects.toThrow(/rows 0 and 2 both hold trial 0/);
    expect(calls).toEqual([]);
  });

  it('resumeFile and resume holding different rows for one trial is a ValueError; the same row is taken once', async () => {
    const resumeFile = fresh();
    const first = counting();
    const done = await gridSearch({ v: [3, 2] }, first.trial, { metric: 'valLoss', resumeFile, verbose: false });
    const again = counting();
    const same = await gridSearch({ v: [3, 2] }, again.trial, {
      metric: 'valLoss',
      resumeFile,
      resume: done,
      verbose: false,
    });
    expect(same.rows).toEqual(done.rows);
    expect(again.calls).toEqual([]);
    const edited = done.rows.map((r) => (r.index === 0 ? { ...r, metrics: { valLoss: -100 } } : r));
    await expect(
      gridSearch({ v: [3, 2] }, again.trial, { metric: 'valLoss', resumeFile, resume: edited, verbose: false }),
    ).rejects.toThrow(/different rows for trial 0/);
    expect(again.calls).toEqual([]);
  });
});

describe('resuming with fewer configurations than the file holds', () => {
  it('gridSearch keeps the rows past its end in the file, untouched, and returns its own trials', async () => {
    const resumeFile = fresh();
    const first = counting();
    await gridSearch({ v: [1, 2, 3, 4] }, first.trial, { metric: 'valLoss', resumeFile, verbose: false });
    const before = read(resumeFile);
    const second = counting();
    const fewer = await gridSearch({ v: [1, 2] }, second.trial, { metric: 'valLoss', resumeFile, verbose: false });
    expect(second.calls).toEqual([]);
    expect(fewer.rows.map((r) => r.index)).toEqual([0, 1]);
    expect(read(resumeFile)).toEqual(before);
    // The longer search, rerun, finds all four done.
    const third = counting();
    const all = await gridSearch({ v: [1, 2, 3, 4] }, third.trial, { metric: 'valLoss', resumeFile, verbose: false });
    expect(third.calls).toEqual([]);
    expect(all.rows).toHaveLength(4);
  });

  it('keeps them while new trials of the shorter search are saved', async () => {
    const resumeFile = fresh();
    await gridSearch({ v: [1, 2, 3, 4] }, counting().trial, { metric: 'valLoss', resumeFile, verbose: false });
    const before = read(resumeFile).rows;
    const second = counting();
    // Trial 1's configuration changed: it runs again and replaces row 1; rows 2 and 3 stay.
    const changed = await gridSearch({ v: [1, 7] }, second.trial, { metric: 'valLoss', resumeFile, verbose: false });
    expect(second.calls).toEqual([1]);
    expect(changed.rows.map((r) => r.config.v)).toEqual([1, 7]);
    const after = read(resumeFile).rows;
    expect(after.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(after[0]).toEqual(before[0]);
    expect(after.slice(2)).toEqual(before.slice(2));
  });

  it('randomSearch with fewer trials keeps the finished ones past its end', async () => {
    const resumeFile = fresh();
    const space = { v: [1, 2, 3, 4, 5, 6] };
    await randomSearch(space, counting().trial, { metric: 'valLoss', trials: 10, seed: 3, resumeFile, verbose: false });
    const before = read(resumeFile);
    const again = counting();
    const two = await randomSearch(space, again.trial, {
      metric: 'valLoss',
      trials: 2,
      seed: 3,
      resumeFile,
      verbose: false,
    });
    expect(again.calls).toEqual([]);
    expect(two.rows).toHaveLength(2);
    expect(read(resumeFile)).toEqual(before);
    expect(before.rows).toHaveLength(10);
  });
});

describe('randomConfigs seed', () => {
  it('is a ValueError naming randomConfigs and the seed, as the searches refuse it', () => {
    for (const seed of [-1, 1.5, Number.NaN, '5' as never]) {
      expect(() => randomConfigs({ v: [1, 2] }, 2, seed)).toThrow(ValueError);
      expect(() => randomConfigs({ v: [1, 2] }, 2, seed)).toThrow(/^randomConfigs: .*seed/);
    }
    expect(randomConfigs({ v: [1, 2] }, 2)).toEqual(randomConfigs({ v: [1, 2] }, 2, 0));
  });
});
