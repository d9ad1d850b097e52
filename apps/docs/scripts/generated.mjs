/**
 * Directives in guides, expanded at build time from files other packages produce: pictures,
 * the benchmark tables, the pretraining table, the overfitting table, the playground and the
 * API index. A directive is an HTML comment on its own line, `<!-- @name arguments -->`; when
 * its source is missing the page says so instead of failing the build.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { distDir, repoRoot } from './paths.mjs';

const note = (text) => `<p class="note">${text}</p>`;
const pct = (x) => `${(100 * x).toFixed(1)}%`;
const fixed = (x, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );

/** `@figure <repo path> | <caption>`: copies the picture to img/<package>/ and shows it. */
function figure(args) {
  const [path, caption = ''] = args.split('|').map((s) => s.trim());
  const src = join(repoRoot, path);
  if (!existsSync(src)) return note(`The picture <code>${path}</code> has not been produced yet.`);
  const pkg = basename(dirname(dirname(path)));
  const target = join('img', pkg, basename(path));
  mkdirSync(join(distDir, 'img', pkg), { recursive: true });
  copyFileSync(src, join(distDir, target));
  return `<figure><img src="${target}" alt="${caption.replace(/"/g, '&quot;')}"><figcaption>${caption}</figcaption></figure>`;
}

/** The benchmark results: the committed copy, or the last local run. */
export function benchResults() {
  for (const p of ['packages/bench/results/latest.json', 'bench-results/latest.json']) {
    const file = join(repoRoot, p);
    if (existsSync(file)) return { path: p, results: JSON.parse(readFileSync(file, 'utf8')) };
  }
  return undefined;
}

/** `@bench`: one table per benchmark of the latest `pnpm bench` results. */
function bench() {
  const found = benchResults();
  if (!found) return note('No benchmark results yet: run <code>pnpm bench</code> to produce them.');
  const { path, results } = found;
  const m = results.machine;
  const parts = [
    `Results of ${results.date.slice(0, 10)} (\`${path}\`) on ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node}, ${results.options.quick ? 'quick mode' : 'full mode'}; optimizer ${results.options.optimizer?.name ?? '?'}.`,
  ];
  for (const b of results.benchmarks) {
    parts.push(`### ${b.title}`);
    if (b.id === 'mlp-step') {
      parts.push(
        table(
          ['system', 'ms / step (median)', 'samples / s', 'GFLOP/s', 'peak MB', '× backprop'],
          b.rows.map((r) => [
            r.label,
            fixed(r.msPerStep),
            fixed(r.samplesPerSec, 0),
            fixed(r.gflops, 2),
            r.peakBytes ? fixed(r.peakBytes / 1e6) : '–',
            fixed(r.ratio, 2),
          ]),
        ),
      );
    } else if (b.id === 'matmul') {
      parts.push(
        table(
          ['system', 'n', 'ms', 'GFLOP/s'],
          b.rows.map((r) => [r.label, String(r.n), fixed(r.ms, 2), fixed(r.gflops, 2)]),
        ),
      );
    } else {
      const keys = Object.keys(b.rows[0] ?? {}).filter((k) => typeof b.rows[0][k] !== 'object');
      parts.push(
        table(
          keys,
          b.rows.map((r) => keys.map((k) => (typeof r[k] === 'number' ? fixed(r[k], 2) : String(r[k])))),
        ),
      );
    }
    const summary = Array.isArray(b.summary) ? b.summary : b.summary ? [String(b.summary)] : [];
    if (summary.length) parts.push(summary.map((line) => `- ${line}`).join('\n'));
    for (const s of b.skipped ?? []) parts.push(`- skipped: ${s.system ?? ''} ${s.reason ?? JSON.stringify(s)}`);
  }
  for (const u of results.unavailable ?? [])
    parts.push(`- unavailable: ${u.system ?? ''} ${u.reason ?? JSON.stringify(u)}`);
  return parts.join('\n\n');
}

/** `@pretraining-table <dataset>`: the lecture's table (error rates) as the pretraining experiment measured it. */
function pretrainingTable(dataset) {
  const file = join(repoRoot, `packages/pretraining/docs/lecture-table-${dataset}.json`);
  if (!existsSync(file)) return note(`The pretraining experiment has not been run on ${dataset} yet.`);
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const c = data.config;
  const rows = Object.entries(data[dataset]).map(([name, r]) => [
    name,
    ...['train', 'val', 'test'].map((k) => `${pct(r[k].mean)} ± ${pct(r[k].std)}`),
  ]);
  return [
    `Error rates, mean ± std over seeds ${c.seeds.join(', ')}: layers ${c.sizes.join('-')}, ${c.train} training and ${c.val} validation examples, ${c.pretrainEpochs} pretraining and ${c.finetuneEpochs} fine-tuning epochs, backend ${c.backend}${data.seconds ? `, ${Math.round(data.seconds)} s in all` : ''}.`,
    table(['', 'train', 'valid.', 'test'], rows),
  ].join('\n\n');
}

/** `@overfitting-table`: the final numbers of the regularizers' overfitting demonstration. */
function overfittingTable() {
  const file = join(repoRoot, 'packages/regularizers/docs/overfitting.md');
  if (!existsSync(file)) return note('The overfitting demonstration has not been run yet.');
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('|'));
  return lines.length ? lines.join('\n') : note('The overfitting page has no table yet.');
}

/** `@playground`: the playground in a frame, when apps/playground was built. */
function playground() {
  if (!existsSync(join(distDir, 'playground/index.html'))) {
    return note(
      'The playground was not built when this site was: run <code>pnpm --filter @backprop/playground build</code>, then build the docs again.',
    );
  }
  return '<p><a href="playground/index.html">Open the playground on its own page</a>.</p>\n\n<iframe class="playground" src="playground/index.html" title="Backprop playground"></iframe>';
}

/** `@api-packages`: a list of the documented packages with links into the API reference. */
function apiPackages(_args, context) {
  if (!context.apiPackages.length) return note('The API reference was not built.');
  return context.apiPackages.map((p) => `- [\`@backprop/${p}\`](api/modules/_backprop_${p}.html)`).join('\n');
}

const directives = {
  figure,
  bench,
  'pretraining-table': pretrainingTable,
  'overfitting-table': overfittingTable,
  playground,
  'api-packages': apiPackages,
};

/** Replaces every directive in `markdown`; an unknown directive is an error. */
export function expandDirectives(markdown, context) {
  return markdown.replace(/^<!--\s*@([\w-]+)\s*(.*?)\s*-->$/gm, (_, name, args) => {
    const fn = directives[name];
    if (!fn) throw new Error(`unknown directive @${name}`);
    return fn(args, context);
  });
}
