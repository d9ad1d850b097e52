/**
 * Cross-origin isolation for the playground and the docs site that hosts it: with these two
 * response headers `crossOriginIsolated` is true, so browsers give SharedArrayBuffer and shared
 * WebAssembly memory, which backend-cpu's worker threads need. Used by the playground's and the
 * docs' Vite dev/preview servers and written as `_headers` (the format of Netlify and Cloudflare
 * Pages) into both built sites.
 */

/** The response headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** A `_headers` file applying them to every path of a static site. */
export function headersFile() {
  const lines = Object.entries(ISOLATION_HEADERS).map(([name, value]) => `  ${name}: ${value}`);
  return `/*\n${lines.join('\n')}\n`;
}
