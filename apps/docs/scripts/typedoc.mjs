/** Runs typedoc over every package that has a `src/index.ts`, into dist/api. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiPackages, distDir, docsDir, repoRoot } from './paths.mjs';

/** The package folders typedoc will document (those whose src/index.ts exists now). */
export function documentedPackages() {
  return apiPackages.filter((p) => existsSync(join(repoRoot, 'packages', p, 'src/index.ts')));
}

/** Writes the typedoc options to node_modules/.cache and runs typedoc; throws when it fails. */
export function buildApi({ out = join(distDir, 'api') } = {}) {
  const packages = documentedPackages();
  const cache = join(docsDir, 'node_modules/.cache/docs');
  mkdirSync(cache, { recursive: true });
  const options = {
    $schema: 'https://typedoc.org/schema.json',
    name: 'Backprop API',
    entryPointStrategy: 'packages',
    entryPoints: packages.map((p) => join(repoRoot, 'packages', p)),
    out,
    readme: 'none',
    // Options for each package's own conversion (typedoc's packages mode does not inherit them):
    // the packages' own builds type-check them, so a package mid-edit does not break the site;
    // `@internal` exports stay out of the reference.
    packageOptions: { disableSources: true, skipErrorChecking: true, excludeInternal: true },
    // Leaves out the untagged helpers listed in api-internals.mjs.
    plugin: [join(docsDir, 'scripts/typedoc-internals.mjs')],
    logLevel: 'Error',
    navigationLinks: { Guides: '../index.html' },
  };
  const file = join(cache, 'typedoc.json');
  writeFileSync(file, JSON.stringify(options, null, 2));
  const bin = join(docsDir, 'node_modules/typedoc/bin/typedoc');
  const r = spawnSync(process.execPath, [bin, '--options', file], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`typedoc failed (exit ${r.status})`);
  return packages;
}
