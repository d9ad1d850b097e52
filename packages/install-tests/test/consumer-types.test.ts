/**
 * The published type declarations, as a strict user compiles them: a consumer project that
 * imports every public package and uses the main API, compiled by tsc with `strict`,
 * `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess` and `skipLibCheck: false`, so an
 * error in any shipped `.d.ts` fails here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = new URL('..', import.meta.url).pathname;
const packagesDir = join(here, '..');
const project = join(here, 'node_modules/.cache/consumer');

/** Every package of the repository that is published (not private), by npm name. */
function publishedPackages(): string[] {
  return readdirSync(packagesDir)
    .map((d) => {
      try {
        return JSON.parse(readFileSync(join(packagesDir, d, 'package.json'), 'utf8')) as {
          name: string;
          private?: boolean;
        };
      } catch {
        return undefined;
      }
    })
    .filter((p): p is { name: string } => p !== undefined && p.private !== true)
    .map((p) => p.name)
    .sort();
}

const USAGE = `
import { evaluate, fit, losses, manualSeed, nn, type Optimizer, tensor, trainStep } from '@backprop/core';
import { cpu } from '@backprop/backend-cpu';
import { adam, sgd } from '@backprop/optimizers';
import { dropout, earlyStopping, l2 } from '@backprop/regularizers';
import { xor } from '@backprop/datasets';

export async function main(): Promise<number> {
  manualSeed(0);
  await cpu();
  const model = nn.sequential(nn.dense(2, 8), nn.tanh(), dropout(0.1), nn.dense(8, 2));
  const optimizer: Optimizer = Math.random() > 2 ? sgd({ lr: 0.1, momentum: 0.9 }) : adam({ lr: 1e-2 });
  const train = xor({ n: 64, seed: 1 });
  const history = await fit(model, train, {
    loss: losses.softmaxCrossEntropy,
    optimizer,
    epochs: 2,
    batchSize: 16,
    penalties: [l2(1e-4)],
    callbacks: [earlyStopping({ patience: 2 })],
    verbose: false,
  });
  const step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer });
  step.dispose();
  const scores = await evaluate(model, train, { metrics: ['accuracy'] });
  const first = history.epochs[0];
  tensor([1, 2]).dispose();
  return (first?.loss ?? 0) + Object.keys(scores).length;
}
`;

describe('the published type declarations', () => {
  it('compile in a strict consumer project (exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck false)', () => {
    const names = publishedPackages();
    expect(names).toContain('@backprop/core');
    rmSync(project, { recursive: true, force: true });
    mkdirSync(project, { recursive: true });
    const imports = names.map((n, i) => `import * as p${i} from '${n}';`).join('\n');
    const uses = `export const loaded = [${names.map((_, i) => `p${i}`).join(', ')}];`;
    writeFileSync(join(project, 'all.ts'), `${imports}\n${uses}\n`);
    writeFileSync(join(project, 'usage.ts'), USAGE);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noImplicitOverride: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
          lib: ['ES2022', 'DOM'],
        },
        files: ['all.ts', 'usage.ts'],
      }),
    );
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', project], { cwd: here, encoding: 'utf8' });
    const errors = `${run.stdout}${run.stderr}`
      .split('\n')
      .filter((l) => l.includes('error TS'))
      .map((l) => l.replace(/^.*?node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, ''));
    expect(errors).toEqual([]);
    expect(run.status).toBe(0);
  }, 120_000);
});
