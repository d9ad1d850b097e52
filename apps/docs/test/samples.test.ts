/** Every ```ts run block of the guides type-checks under strict TypeScript and runs to completion with a clean stderr. */
import { beforeAll, describe, expect, it } from 'vitest';
import { allBlocks, compileSamples, runSample, type Sample } from './samples.js';

const blocks = allBlocks();
const samples = blocks.filter((b) => b.runnable);
let compiled: { status: number | null; output: string };

beforeAll(() => {
  compiled = compileSamples(samples);
}, 120_000);

describe('guide samples', () => {
  it('there are runnable samples', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  it('every guide that shows TypeScript has at least one runnable sample', () => {
    const withTs = new Set(blocks.filter((b) => b.lang === 'ts').map((b) => b.guide));
    const withRun = new Set(samples.map((s) => s.guide));
    expect([...withTs].filter((g) => !withRun.has(g))).toEqual([]);
  });

  it('compile with tsc (strict)', () => {
    expect(compiled.output).toBe('');
    expect(compiled.status).toBe(0);
  });

  it.each(samples.map((s): [string, Sample] => [`${s.id} (guides/${s.guide}.md:${s.line})`, s]))(
    'runs %s',
    (_name, sample) => {
      const errors = compiled.output.split('\n').filter((l) => l.includes(`${sample.id}.mts(`));
      expect(errors).toEqual([]);
      const r = runSample(sample);
      const stderr = r.stderr
        .split('\n')
        .filter((l) => l.trim() && !/ExperimentalWarning|--trace-warnings/.test(l))
        .join('\n');
      expect(stderr).toBe('');
      expect(r.status).toBe(0);
    },
    40_000,
  );
});
