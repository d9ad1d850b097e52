/**
 * Finds the public functions and classes of every published package (what its built
 * `dist/index.js` exports, less the names in scripts/api-internals.mjs and the `@internal` ones),
 * reads their TSDoc from the package's `src` with the TypeScript compiler API, and compiles the
 * ```ts blocks of their `@example` tags with tsc.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { apiInternals } from '../scripts/api-internals.mjs';
import { docsDir } from './samples.js';

/** The repository root. */
export const repoRoot = join(docsDir, '../..');
/** Where the examples are written: inside the docs package, so `@backprop/*` resolve from its node_modules. */
export const examplesDir = join(docsDir, 'node_modules/.cache/api-examples');
/** The list of `package:name` entries that still lack a description or an example. */
export const todoFile = join(docsDir, 'test/api-examples-todo.json');

/** One public function or class and what its TSDoc says. */
export interface ApiEntry {
  /** `<package folder>:<name>`, the name dotted for a namespace member (`core:nn.linear`). */
  key: string;
  pkg: string;
  name: string;
  /** Where its declaration is, relative to the repository root, with the 1-based line. */
  source: string;
  description: string;
  /** The code of each ```ts block of its `@example` tags. */
  examples: string[];
  /** `@example` tags without a ```ts block. */
  bareExamples: number;
}

/** The folders of the non-private packages that have a `src/index.ts`. */
export function publishedPackages(): string[] {
  const dir = join(repoRoot, 'packages');
  return readdirSync(dir)
    .filter((p) => existsSync(join(dir, p, 'package.json')) && existsSync(join(dir, p, 'src/index.ts')))
    .filter((p) => !JSON.parse(readFileSync(join(dir, p, 'package.json'), 'utf8')).private)
    .sort();
}

const isModule = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.prototype.toString.call(v) === '[object Module]';

/** The function and class names a package's built entry exports, namespace members dotted. */
export async function runtimeExports(pkg: string): Promise<string[]> {
  const file = join(repoRoot, 'packages', pkg, 'dist/index.js');
  const mod: Record<string, unknown> = await import(pathToFileURL(file).href);
  const names: string[] = [];
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value === 'function') names.push(name);
    else if (isModule(value)) {
      for (const [member, v] of Object.entries(value)) if (typeof v === 'function') names.push(`${name}.${member}`);
    }
  }
  return names.sort();
}

const fence = /```(?:ts|typescript)[^\n]*\n([\s\S]*?)```/g;

/** Reads every package's public functions and classes with their TSDoc. */
export async function apiEntries(packages = publishedPackages()): Promise<ApiEntry[]> {
  const roots = packages.map((p) => join(repoRoot, 'packages', p, 'src/index.ts'));
  const program = ts.createProgram(roots, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const entries: ApiEntry[] = [];
  for (const pkg of packages) {
    const hidden = new Set<string>((apiInternals as Record<string, string[]>)[pkg] ?? []);
    const sourceFile = program.getSourceFile(join(repoRoot, 'packages', pkg, 'src/index.ts'));
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (!moduleSymbol) throw new Error(`${pkg}: cannot read src/index.ts`);
    const exportsOf = (m: ts.Symbol) => new Map(checker.getExportsOfModule(m).map((s) => [s.name, s]));
    const top = exportsOf(moduleSymbol);
    for (const name of await runtimeExports(pkg)) {
      const [head, member] = name.split('.');
      if (hidden.has(head)) continue;
      let symbol = top.get(head);
      if (symbol && member) symbol = exportsOf(resolve(symbol)).get(member);
      if (!symbol) throw new Error(`${pkg}: dist exports ${name}, src/index.ts does not`);
      symbol = resolve(symbol);
      const tags = symbol.getJsDocTags(checker);
      if (tags.some((t) => t.name === 'internal')) continue;
      const declaration = symbol.declarations?.[0];
      const file = declaration?.getSourceFile();
      const line = file && declaration ? file.getLineAndCharacterOfPosition(declaration.getStart()).line + 1 : 0;
      const examples: string[] = [];
      let bareExamples = 0;
      for (const tag of tags.filter((t) => t.name === 'example')) {
        const text = ts.displayPartsToString(tag.text);
        const blocks = [...text.matchAll(fence)].map((m) => m[1].trimEnd());
        if (blocks.length === 0) bareExamples++;
        examples.push(...blocks);
      }
      entries.push({
        key: `${pkg}:${name}`,
        pkg,
        name,
        source: file ? `${relative(repoRoot, file.fileName)}:${line}` : '?',
        description: ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim(),
        examples,
        bareExamples,
      });
    }
  }
  return entries;
}

/** An entry is documented when it has a description and an `@example` with a ```ts block. */
export const documented = (e: ApiEntry) => e.description !== '' && e.examples.length > 0 && e.bareExamples === 0;

/**
 * The file name (without extension) example `i` of an entry is written to: capitals become `_`
 * and the lowercase letter, so names differing only in case (`Dense`, `dense`) get different files
 * on case-insensitive file systems too.
 */
export const exampleId = (e: ApiEntry, i: number) =>
  `${e.pkg}-${e.name.replace('.', '-').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}-${i + 1}`;

/**
 * Writes every example as an .mts file (a comment naming its source first) with a strict
 * tsconfig and type-checks them with tsc; returns tsc's exit status and output.
 */
export function compileExamples(entries: ApiEntry[]): { status: number | null; output: string } {
  rmSync(examplesDir, { recursive: true, force: true });
  mkdirSync(examplesDir, { recursive: true });
  const files: string[] = [];
  for (const e of entries) {
    e.examples.forEach((code, i) => {
      const file = `${exampleId(e, i)}.mts`;
      writeFileSync(join(examplesDir, file), `// ${e.key} (${e.source})\n${code}\nexport {};\n`);
      files.push(file);
    });
  }
  const tsconfig = {
    extends: join(docsDir, '../../tsconfig.base.json'),
    compilerOptions: { strict: true, noEmit: true, declaration: false, declarationMap: false, types: ['node'] },
    files,
  };
  writeFileSync(join(examplesDir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = join(docsDir, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', examplesDir, '--pretty', 'false'], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
