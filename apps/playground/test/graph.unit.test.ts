/** The graph page's parser and numbers, in Node with backend-cpu (no browser). */
import { cpu } from '@backprop/backend-cpu';
import { setBackend } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainStep, stepCount } from '../src/graph/backward-steps.js';
import { computeGraph } from '../src/graph/gradients.js';
import { buildGraph } from '../src/graph/graph.js';
import { layout } from '../src/graph/layout.js';
import { nodeNames } from '../src/graph/names.js';
import { parse, parseValues } from '../src/graph/parse.js';
import { PRESETS } from '../src/graph/presets.js';

beforeAll(async () => {
  await setBackend(cpu());
});

/** Values and gradients by node name for a preset. */
function numbersOf(key: string) {
  const graph = buildGraph(parse(PRESETS[key].expr));
  const nums = computeGraph(graph, parseValues(PRESETS[key].values));
  const names = nodeNames(graph);
  const by = (xs: number[]) => Object.fromEntries(names.map((n, i) => [n, xs[i]]));
  return { graph, nums, names, values: by(nums.values), grads: by(nums.grads) };
}

describe('graph page numbers', () => {
  it("the lecture's f = (x + y)z at (−2, 5, −4): q = 3, f = −12; ∂f/∂x = ∂f/∂y = −4, ∂f/∂z = 3", () => {
    const { values, grads, graph, nums, names } = numbersOf('lecture');
    expect(values).toMatchObject({ x: -2, y: 5, z: -4, q: 3, f: -12 });
    expect(grads).toMatchObject({ x: -4, y: -4, z: 3, q: -4, f: 1 });
    expect(stepCount(graph)).toBe(3);
    expect(explainStep(graph, nums, names, 3)).toContain('∂f/∂x = ∂q/∂x × ∂f/∂q = 1 × -4 = -4');
  });

  it('the sigmoid neuron, as one gate and gate by gate, gives the same gradients', () => {
    for (const key of ['neuron', 'neuronGates']) {
      const { values, grads } = numbersOf(key);
      expect(values.f).toBeCloseTo(0.7311, 4);
      expect(grads.w0).toBeCloseTo(-0.1966, 4);
      expect(grads.x0).toBeCloseTo(0.3932, 4);
      expect(grads.w1).toBeCloseTo(-0.3932, 4);
      expect(grads.x1).toBeCloseTo(-0.5898, 4);
      expect(grads.w2).toBeCloseTo(0.1966, 4);
    }
  });

  it('a variable used twice collects both shares: f = x·x + x at 3 → ∂f/∂x = 7', () => {
    const graph = buildGraph(parse('x*x + x'));
    const nums = computeGraph(graph, parseValues('x = 3'));
    const names = nodeNames(graph);
    expect(nums.grads[names.indexOf('x')]).toBe(7);
    const xEdges = nums.edges.filter((e) => names[e.input] === 'x');
    expect(xEdges.reduce((s, e) => s + e.product, 0)).toBe(7);
  });

  it('a node using its input twice writes both shares as +=: f = x·x at 3 → ∂f/∂x = 6 (each line read "= 3" before)', () => {
    const graph = buildGraph(parse('x*x'));
    const nums = computeGraph(graph, parseValues('x = 3'));
    const names = nodeNames(graph);
    expect(nums.grads[names.indexOf('x')]).toBe(6);
    const lines = explainStep(graph, nums, names, 2).filter((l) => l.startsWith('∂f/∂x'));
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/^∂f\/∂x \+= /);
  });

  it('the 2-layer net: every gradient matches a central difference of f', () => {
    const { graph, nums } = numbersOf('twoLayer');
    const vals = parseValues(PRESETS.twoLayer.values);
    const f = (v: Map<string, number>) => computeGraph(graph, v).values[graph.root];
    for (const n of graph.nodes.filter((n) => n.kind === 'var')) {
      const name = n.name as string;
      const h = 1e-2;
      const up = new Map(vals).set(name, (vals.get(name) as number) + h);
      const down = new Map(vals).set(name, (vals.get(name) as number) - h);
      expect(nums.grads[n.id]).toBeCloseTo((f(up) - f(down)) / (2 * h), 2);
    }
  });

  it('handles degenerate expressions: a lone variable, a lone constant, constants only', () => {
    for (const [src, f, n] of [
      ['x', 3, 1],
      ['3', 3, 1],
      ['2 * 3', 6, 3],
    ] as const) {
      const graph = buildGraph(parse(src));
      const nums = computeGraph(graph, parseValues('x = 3'));
      expect(nums.values[graph.root]).toBe(f);
      expect(nums.grads[graph.root]).toBe(1);
      const { places } = layout(graph);
      expect(places.length).toBe(n);
      for (const p of places) expect(Number.isFinite(p.row) && Number.isFinite(p.col)).toBe(true);
    }
  });

  it('reports parse errors with where they are', () => {
    expect(() => parse('x + ')).toThrow(/expected a number/);
    expect(() => parse('foo(x)')).toThrow(/unknown function "foo"/);
    expect(() => parse('(x + y')).toThrow(/expected "\)"/);
    expect(() => parseValues('x = abc')).toThrow(/name = number/);
    expect(parse('-x * 2 - exp(y) / 3')).toEqual({
      kind: 'op',
      op: '-',
      args: [
        {
          kind: 'op',
          op: '*',
          args: [
            { kind: 'op', op: 'neg', args: [{ kind: 'var', name: 'x' }] },
            { kind: 'num', value: 2 },
          ],
        },
        {
          kind: 'op',
          op: '/',
          args: [
            { kind: 'op', op: 'exp', args: [{ kind: 'var', name: 'y' }] },
            { kind: 'num', value: 3 },
          ],
        },
      ],
    });
  });
});
