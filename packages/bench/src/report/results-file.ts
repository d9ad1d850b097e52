/** Writes the JSON results: bench-results/<date>.json and latest.json at the repository root, plus the committed copy for the docs. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkReport, Skip } from '../benchmark.js';
import type { OptimizerSpec } from '../system.js';
import type { TargetResult } from '../targets.js';

/** The repository root (dist/report/ → ../../../..). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
/** The committed results the README quotes. */
export const committedResults = fileURLToPath(new URL('../../results/latest.json', import.meta.url));

/** Everything one run produced, as written to JSON. */
export interface BenchResults {
  schema: 1;
  date: string;
  machine: {
    cpu: string;
    cores: number;
    memoryGB: number;
    node: string;
    platform: string;
    /** The 1-minute load average when the run started: above the core count, other work competed for the CPU. */
    loadAverage1m: number;
    /** The 1-minute load average when the run ended (the run's own load is at most about the core count). */
    loadAverageEnd1m?: number;
  };
  options: {
    quick: boolean;
    rounds?: number;
    only: string[];
    optimizer: OptimizerSpec;
    /** Seconds of the untimed warm-up round per system before the MLP step's rounds (0: none). */
    warmupSeconds?: number;
  };
  systems: Record<string, Record<string, string | number | boolean>>;
  benchmarks: Omit<BenchmarkReport, 'table'>[];
  /** Every target, met / not met / not measured (targets.ts). */
  targets?: TargetResult[];
  unavailable: Skip[];
}

/** The 1-minute load average, rounded to hundredths. */
export const loadAverage = (): number => Math.round(loadavg()[0] * 100) / 100;

/** The machine this runs on. */
export function machine(): BenchResults['machine'] {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage1m: loadAverage(),
  };
}

/** JSON with 2-space indents and short arrays of plain values on one line, as the repository's formatter (biome) writes it. */
export function toJsonText(value: unknown, lineWidth = 120): string {
  const text = JSON.stringify(value, null, 2).replace(
    /^( *)(.*)\[\n((?:\1 {2}[^\n[\]{}]*\n)+)\1\]/gm,
    (whole, indent: string, head: string, body: string) => {
      const line = `${indent}${head}[${body
        .trim()
        .split(/,?\n\s*/)
        .join(', ')}]`;
      return line.length <= lineWidth ? line : whole;
    },
  );
  return `${text}\n`;
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
  const text = toJsonText(results);
  for (const p of paths) {
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, text);
  }
  return paths;
}
