/**
 * What npm reads from every published package: core is a peer of each plugin (so an install
 * never nests a second copy of it), with a range that contains the core of this release and is
 * kept in step by changesets; the tarball fields a registry user needs are present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedPackages } from './registry/local-registry.js';

interface Manifest {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  repository?: unknown;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifests = publishedPackages().map((p) => ({
  dir: p.dir,
  json: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) as Manifest,
}));
const core = manifests.find((m) => m.json.name === '@backprop/core');

/** `>=a.b.c <1.0.0` (after `workspace:`) → [a, b, c]. */
function lowerBound(range: string): number[] | undefined {
  const m = /^(?:workspace:)?>=(\d+)\.(\d+)\.(\d+) <1\.0\.0$/.exec(range);
  return m ? m.slice(1).map(Number) : undefined;
}

const atMost = (a: number[], b: number[]) => {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return true;
};

describe('published package manifests', () => {
  it.each(manifests.filter((m) => m.json.name !== '@backprop/core').map((m) => [m.json.name, m] as const))(
    '%s takes @backprop/core as a peer, never as a dependency',
    (_name, { json }) => {
      expect(json.dependencies?.['@backprop/core']).toBeUndefined();
      const range = json.peerDependencies?.['@backprop/core'];
      expect(range, 'peerDependencies["@backprop/core"]').toBeDefined();
      const low = lowerBound(range ?? '');
      expect(low, `range ${range} must read >=x.y.z <1.0.0`).toBeDefined();
      expect(atMost(low ?? [], (core?.json.version ?? '0.0.0').split('.').map(Number))).toBe(true);
      expect(json.devDependencies?.['@backprop/core']).toBe('workspace:^');
    },
  );

  it.each(manifests.map((m) => [m.json.name, m] as const))('%s has what a registry user needs', (_name, m) => {
    expect(m.json.license).toBe('MIT');
    expect(existsSync(join(m.dir, 'LICENSE'))).toBe(true);
    expect(m.json.engines?.node).toBe('>=20');
    expect(m.json.repository).toBeDefined();
    expect(m.json.files).toContain('dist');
    expect(m.json.files).not.toContain('src');
  });
});

describe('pending changesets', () => {
  it('never name an ignored package (the bench, the playground) beside a released one: that stops `changeset version`', async () => {
    const { readdirSync } = await import('node:fs');
    const root = join(import.meta.dirname, '..', '..', '..', '.changeset');
    const ignored = new Set<string>(JSON.parse(readFileSync(join(root, 'config.json'), 'utf8')).ignore);
    const released = new Set(manifests.map((m) => m.json.name));
    const problems: string[] = [];
    for (const file of readdirSync(root).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
      const front = readFileSync(join(root, file), 'utf8').split('---')[1] ?? '';
      const names = [...front.matchAll(/^['"]([^'"]+)['"]\s*:\s*(major|minor|patch)\s*$/gm)].map((m) => m[1]);
      if (names.length === 0) problems.push(`${file}: names no package`);
      for (const name of names)
        if (!ignored.has(name) && !released.has(name)) problems.push(`${file}: ${name} is not a published package`);
      const mixed = names.filter((n) => ignored.has(n));
      if (mixed.length > 0 && mixed.length < names.length)
        problems.push(`${file}: names ${mixed.join(', ')} (ignored in config.json) beside released packages`);
    }
    expect(problems).toEqual([]);
  });
});
