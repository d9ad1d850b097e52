/**
 * The JSON of a checkpoint's training state: numbers are written exactly (JSON keeps every
 * float64), and ±Infinity and NaN — which JSON cannot hold — as `{ "$number": "Infinity" }`.
 */

/** Encodes `value` as JSON, non-finite numbers tagged. */
export function stringifyState(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v));
}

/** Decodes what {@link stringifyState} wrote; tagged numbers come back as numbers. */
export function parseState(text: string): unknown {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && '$number' in v) {
      const n = (v as { $number: unknown }).$number;
      if (n === 'Infinity') return Number.POSITIVE_INFINITY;
      if (n === '-Infinity') return Number.NEGATIVE_INFINITY;
      if (n === 'NaN') return Number.NaN;
    }
    return v;
  });
}
