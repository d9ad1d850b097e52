/**
 * The JSON of a checkpoint's training state: numbers are written exactly (JSON keeps every
 * float64), and ±Infinity, NaN and −0 — which JSON writes as `null` or `0` — as
 * `{ "$number": "Infinity" }`, `{ "$number": "-0" }`.
 */

import { exactNumber, jsonLosesNumber } from '../exact-key.js';

/** Encodes `value` as JSON, non-finite numbers and −0 tagged. */
export function stringifyState(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (jsonLosesNumber(v) ? { $number: exactNumber(v) } : v));
}

/** Decodes what {@link stringifyState} wrote; tagged numbers come back as numbers. */
export function parseState(text: string): unknown {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && '$number' in v) {
      const n = (v as { $number: unknown }).$number;
      if (n === 'Infinity') return Number.POSITIVE_INFINITY;
      if (n === '-Infinity') return Number.NEGATIVE_INFINITY;
      if (n === 'NaN') return Number.NaN;
      if (n === '-0') return -0;
    }
    return v;
  });
}
