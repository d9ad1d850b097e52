/** Writes the JSON results: bench-results/<date>.json and latest.json at the repository root, plus the committed copy for the docs. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkReport, Skip } from '../benchmark.js';
import type { OptimizerSpec } from '../system.js';

/** The repository root (dist/report/ → ../../../..). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
/** The committed results the README quotes. */
export const committedResults = fileURLToPath(new URL('../../results/latest.json', import.meta.url));

/** Everything one run produced, as written to JSON. */
export interface BenchResults {
  schema: 1;
  date: string;
  machine: { cpu: string; cores: number; memoryGB: number; node: string; platform: string };
  options: { quick: boolean; only: string[]; optimizer: OptimizerSpec };
  systems: Record<string, Record<string, string | number | boolean>>;
  benchmarks: Omit<BenchmarkReport, 'table'>[];
  unavailable: Skip[];
}

/** The machine this runs on. */
export function machine(): BenchResults['machine'] {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/**
 * Writes `results` to bench-results/<date>.json and bench-results/latest.json (gitignored),
 * to packages/bench/results/latest.json when `committed`, and to `extra` when given. Returns the paths.
 */
export async function writeResults(
  results: BenchResults,
  { committed, extra }: { committed: boolean; extra?: string },
): Promise<string[]> {
  const dir = join(repoRoot, 'bench-results');
  const stamp = results.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const paths = [join(dir, `${stamp}.json`), join(dir, 'latest.json')];
  if (committed) paths.push(committedResults);
  if (extra) paths.push(resolve(extra));
  const text = `${JSON.stringify(results, null, 2)}\n`;
  for (const p of paths) {
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, text);
  }
  return paths;
}
