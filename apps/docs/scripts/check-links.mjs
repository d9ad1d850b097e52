/**
 * The link checker: every relative `href` and `src` in the site's own pages (not the generated
 * API reference or the playground) must name a file in dist, and a `#fragment` into one of
 * those pages must name an element id there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The site's own HTML pages (top level of dist). */
export function ownPages(dist) {
  return readdirSync(dist)
    .filter((f) => f.endsWith('.html'))
    .map((f) => join(dist, f));
}

const idsCache = new Map();
function idsOf(file) {
  if (!idsCache.has(file)) {
    const ids = new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    idsCache.set(file, ids);
  }
  return idsCache.get(file);
}

/** Broken links of the site's pages: `{ page, link, why }` for each. */
export function brokenLinks(dist) {
  idsCache.clear();
  const broken = [];
  for (const page of ownPages(dist)) {
    const html = readFileSync(page, 'utf8');
    for (const [, link] of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(link)) continue; // absolute: not checked (no network)
      const [path, fragment] = link.split('#');
      const target = path ? join(dirname(page), decodeURI(path.split('?')[0])) : page;
      const rel = relative(dist, page);
      if (!existsSync(target)) {
        broken.push({ page: rel, link, why: 'no such file' });
        continue;
      }
      const file = statSync(target).isDirectory() ? join(target, 'index.html') : target;
      if (!existsSync(file)) broken.push({ page: rel, link, why: 'folder without index.html' });
      else if (fragment && dirname(file) === dist && file.endsWith('.html') && !idsOf(file).has(fragment)) {
        broken.push({ page: rel, link, why: `no element with id "${fragment}"` });
      }
    }
  }
  return broken;
}
