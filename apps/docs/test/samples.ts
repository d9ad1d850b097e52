/** Finds the runnable samples of the guides (```ts run blocks), writes them out, compiles them with tsc and runs them with node. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The apps/docs folder. */
export const docsDir = fileURLToPath(new URL('..', import.meta.url));
/** Where samples are written: inside the docs package, so `@backprop/*` resolve from its node_modules. */
export const samplesDir = join(docsDir, 'node_modules/.cache/docs-samples');

/** One fenced code block of a guide. */
export interface Sample {
  /** `<guide>-<n>`, n counting the guide's runnable samples from 1. */
  id: string;
  guide: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  runnable: boolean;
  code: string;
}

/** Every fenced block of one guide's Markdown. */
export function codeBlocks(guide: string, markdown: string): Sample[] {
  const blocks: Sample[] = [];
  const lines = markdown.split('\n');
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith(open[1]) && l.trim() === open[1]);
    if (end < 0) throw new Error(`${guide}.md:${i + 1}: unclosed code block`);
    const runnable = open[3].split(/\s+/).includes('run');
    if (runnable) n++;
    blocks.push({
      id: `${guide}-${runnable ? n : `line${i + 1}`}`,
      guide,
      line: i + 1,
      lang: open[2],
      runnable,
      code: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return blocks;
}

/** The code blocks of every guide in guides/. */
export function allBlocks(): Sample[] {
  const dir = join(docsDir, 'guides');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .flatMap((f) => codeBlocks(f.slice(0, -3), readFileSync(join(dir, f), 'utf8')));
}

/**
 * Writes the samples as .mts files with a strict tsconfig and compiles them with tsc into
 * `<dir>/out/` (`dir` defaults to the guides' samples folder; each test file uses its own).
 */
export function compileSamples(samples: Sample[], dir = samplesDir): { status: number | null; output: string } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const s of samples) {
    writeFileSync(join(dir, `${s.id}.mts`), `// ${s.guide}.md:${s.line}\n${s.code}\n`);
  }
  const tsconfig = {
    extends: join(docsDir, '../../tsconfig.base.json'),
    compilerOptions: {
      strict: true,
      outDir: 'out',
      rootDir: '.',
      // Emit what compiles, so one broken sample fails alone.
      noEmitOnError: false,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      types: ['node'],
    },
    files: samples.map((s) => `${s.id}.mts`),
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = join(docsDir, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Runs one compiled sample with node; returns its exit status and output. */
export function runSample(
  sample: Sample,
  timeoutMs = 30_000,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(samplesDir, 'out', `${sample.id}.mjs`)], {
    cwd: docsDir,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
