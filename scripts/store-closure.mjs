#!/usr/bin/env node
// Prints the pnpm store folders (node_modules/.pnpm/<name>) that the given installed packages
// need at run time: each package's own folder and, transitively, every folder its
// node_modules links point into. scripts/device-pack.sh packs exactly these.
//   node scripts/store-closure.mjs node_modules/vitest [more installed package paths]
import { lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const store = resolve('node_modules/.pnpm');
const seen = new Set();

/** The store folder holding `path` (resolved through links), or undefined outside the store. */
function storeFolderOf(path) {
  const rel = relative(store, path);
  return rel.startsWith('..') ? undefined : rel.split('/')[0];
}

function visit(folder) {
  if (seen.has(folder)) return;
  seen.add(folder);
  const modules = join(store, folder, 'node_modules');
  for (const entry of readdirSync(modules)) {
    const names = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of names) {
      const link = join(modules, name);
      if (!lstatSync(link).isSymbolicLink()) continue;
      const target = storeFolderOf(resolve(join(link, '..'), readlinkSync(link)));
      if (target) visit(target);
    }
  }
}

for (const path of process.argv.slice(2)) {
  const folder = storeFolderOf(realpathSync(path));
  if (!folder) throw new Error(`store-closure: ${path} is not installed from node_modules/.pnpm`);
  visit(folder);
}
for (const folder of [...seen].sort()) console.log(`node_modules/.pnpm/${folder}`);
