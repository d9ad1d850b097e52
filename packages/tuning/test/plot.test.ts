import { describe, expect, it } from 'vitest';
import { SearchResults, searchPlot, type TrialResult } from '../src/index.js';

const row = (index: number, lr: number, act: string, status: TrialResult['status'], acc?: number): TrialResult => ({
  index,
  config: { lr, activation: act, epochs: 5 },
  status,
  metrics: acc === undefined ? {} : { valAccuracy: acc },
  seconds: 1,
  ...(status === 'failed' ? { error: { kind: 'threw' as const, message: 'boom' } } : {}),
  ...(status === 'pruned' ? { stoppedEpoch: 1 } : {}),
});

const results = new SearchResults(
  [
    row(0, 0.001, 'relu', 'ok', 0.9),
    row(1, 0.01, 'tanh', 'ok', 0.95),
    row(2, 0.1, 'relu', 'pruned', 0.5),
    row(3, 1, 'tanh', 'failed'),
    row(4, 0.3, 'relu', 'pruned', 0.6),
  ],
  'valAccuracy',
  'max',
);

describe('searchPlot', () => {
  it('draws one panel per hyperparameter that varied, one marker per trial in each, by status', () => {
    const svg = searchPlot(results, { title: 'a search' });
    expect(svg.startsWith('<svg')).toBe(true);
    const panels = [...svg.matchAll(/<g class="panel" data-param="([^"]+)"/g)].map((m) => m[1]);
    expect(panels).toEqual(['lr', 'activation']); // epochs is constant: no panel
    const count = (cls: string) => (svg.match(new RegExp(`class="trial ${cls}"`, 'g')) ?? []).length;
    expect([count('ok'), count('pruned'), count('failed')]).toEqual([4, 4, 2]); // 2 panels each
    expect((svg.match(/class="best"/g) ?? []).length).toBe(2);
    expect(svg).toContain('a search');
  });

  it('puts the best trial highest and spreads a range over decades on a log axis', () => {
    const svg = searchPlot(results, { params: ['lr'] });
    const dots = [...svg.matchAll(/class="trial ok" cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    const [a, b] = dots; // lr 0.001 (acc 0.9) and lr 0.01 (acc 0.95)
    expect(b?.[1]).toBeLessThan(a?.[1] ?? 0); // higher accuracy is drawn higher (smaller y)
    const best = /class="best" cx="([\d.]+)" cy="([\d.]+)"/.exec(svg);
    expect(Number(best?.[1])).toBeCloseTo(b?.[0] ?? -1, 6);
    // log axis: 0.001 → 0, 1 → 1, so 0.01 sits a third of the way (log10 spacing), not at 1%.
    const x0 = a?.[0] ?? 0;
    const xMax = /class="trial failed" x="([\d.]+)"/.exec(svg);
    const third = ((b?.[0] ?? 0) - x0) / (Number(xMax?.[1]) - x0);
    expect(third).toBeCloseTo(1 / 3, 6);
  });

  it('rejects a metric no trial has', () => {
    expect(() => searchPlot(results, { metric: 'nope' })).toThrow(/no trial has the metric "nope"/);
  });
});
