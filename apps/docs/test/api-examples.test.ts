/**
 * Every public function and class of every published package has a TSDoc description and an
 * `@example` whose ```ts blocks compile under strict TypeScript against the built packages.
 * The entries not there yet are listed in api-examples-todo.json, which may only shrink:
 * an entry listed there that is now documented fails too. Run with
 * `UPDATE_API_EXAMPLES_TODO=1` to rewrite the list from the sources.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiEntry, apiEntries, compileExamples, documented, exampleId, todoFile } from './api-examples.js';

let entries: ApiEntry[];
let compiled: { status: number | null; output: string };

beforeAll(async () => {
  entries = await apiEntries();
  if (process.env.UPDATE_API_EXAMPLES_TODO) {
    const todo = entries.filter((e) => !documented(e)).map((e) => e.key);
    writeFileSync(todoFile, `${JSON.stringify(todo.sort(), null, 2)}\n`);
  }
  compiled = compileExamples(entries);
}, 300_000);

const todo = (): string[] => JSON.parse(readFileSync(todoFile, 'utf8'));

describe('API examples', () => {
  it('finds the public functions and classes', () => {
    expect(entries.length).toBeGreaterThan(100);
  });

  it('every entry without a description or an example is listed in api-examples-todo.json', () => {
    const listed = new Set(todo());
    const missing = entries.filter((e) => !documented(e) && !listed.has(e.key));
    expect(
      missing.map(
        (e) =>
          `${e.key} (${e.source}): ${e.description ? '' : 'no description; '}${e.examples.length ? '' : 'no @example'}${e.bareExamples ? '@example without a ```ts block' : ''}`,
      ),
    ).toEqual([]);
  });

  it('api-examples-todo.json only lists undocumented entries that exist (remove the ones you document)', () => {
    const byKey = new Map(entries.map((e) => [e.key, e]));
    const stale = todo().filter((k) => !byKey.has(k) || documented(byKey.get(k) as ApiEntry));
    expect(stale).toEqual([]);
    expect(todo()).toEqual([...todo()].sort());
  });

  it('every example compiles with tsc (strict)', () => {
    const sources = new Map(entries.flatMap((e) => e.examples.map((_, i) => [exampleId(e, i), e] as const)));
    const errors = compiled.output
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const id = /^(.*?)\.mts\(/.exec(l)?.[1];
        const e = id ? sources.get(id.split('/').pop() as string) : undefined;
        return e ? `${e.key} (${e.source}) example: ${l}` : l;
      });
    expect(errors).toEqual([]);
    expect(compiled.status).toBe(0);
  });
});
