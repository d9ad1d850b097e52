/**
 * Reads the committed golden JSON files (golden/ beside src/ and dist/, so the same relative
 * URL works from both). Node-only: the suite runs in vitest under Node.
 */
import { readFileSync } from 'node:fs';

const cache = new Map<string, unknown>();

/** Parses `golden/<name>` of this package once. */
export function loadGolden<T>(name: string): T {
  let value = cache.get(name);
  if (value === undefined) {
    value = JSON.parse(readFileSync(new URL(`../golden/${name}`, import.meta.url), 'utf8'));
    cache.set(name, value);
  }
  return value as T;
}
