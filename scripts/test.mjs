#!/usr/bin/env node
// The whole test suite: system packages (as root with apt), install, lint, build, typecheck, then every package's vitest run,
// closing with one line that counts the tests across packages ("tests: N passed, M failed").
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const pnpm = (...args) =>
  spawnSync(process.execPath, [join(root, 'scripts/pnpm.mjs'), ...args], { stdio: 'inherit', cwd: root, env }).status ??
  1;
const results = '.vitest-results.json';
const packageDirs = ['packages', 'apps', 'examples']
  .filter((d) => existsSync(join(root, d)))
  .flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p)));

function step(name, status) {
  if (status !== 0) {
    console.error(`\n${name} failed (exit ${status})`);
    summarize();
    process.exit(status);
  }
}

function summarize() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const dir of packageDirs) {
    const file = join(dir, results);
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numRuntimeErrorTests ?? 0);
    skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

for (const dir of packageDirs) rmSync(join(dir, results), { force: true });
step('system packages', spawnSync('bash', [join(root, 'scripts/system-deps.sh')], { stdio: 'inherit' }).status ?? 1);
step('install', pnpm('install', '--frozen-lockfile'));
step('lint', pnpm('exec', 'biome', 'check', '.'));
step(
  'build and typecheck',
  pnpm('exec', 'turbo', 'run', 'build', 'typecheck', '--concurrency=2', '--output-logs=errors-only'),
);
const status = pnpm(
  'exec',
  'turbo',
  'run',
  'test',
  '--concurrency=1',
  '--continue',
  '--',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${results}`,
);
summarize();
process.exit(status);
