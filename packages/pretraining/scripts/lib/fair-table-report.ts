/** The Markdown results section of docs/fair-table.md, regenerated from the fair table's JSON. */
import type { Results, RowId } from '../fair-table.js';
import type { MeanStd, Paired } from './stats.js';

const pc = (x: number, d = 2) => `${(100 * x).toFixed(d)}`;
const ms = (m: MeanStd | undefined, d = 2) => (m ? `${pc(m.mean, d)} ± ${pc(m.std, d)}%` : '—');
const pp = (m: number) => `${m >= 0 ? '+' : '−'}${Math.abs(100 * m).toFixed(2)}`;

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

const pText = (p: number) => (Number.isNaN(p) ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/** "reproduces" when the difference has the paper's sign and p < 0.05, "direction only" when only the sign agrees. */
function verdict(c: Paired | undefined, n: number): string {
  if (!c) return 'not run';
  const stat = `${pp(c.mean)} ± ${pc(c.std)} points, t = ${Number.isFinite(c.t) ? c.t.toFixed(2) : c.t}, p ${pText(c.p)}, better on ${c.wins}/${n} seeds`;
  if (c.mean < 0 && c.p < 0.05) return `**reproduces** (${stat})`;
  if (c.mean < 0) return `**same direction, not significant** with ${n} seed${n === 1 ? '' : 's'} (${stat})`;
  return `**does not reproduce** (${stat})`;
}

type Summary = NonNullable<Results['summary']>;
type Comparison = Summary['paired'][number];

/** The results section for one dataset (between the markers updateMarkdown keeps). */
export function renderResults(res: Results, files: Record<string, string>): string {
  const s = res.summary!;
  const c = res.config;
  const name = (r: string) => res.rows[r]?.name ?? r;
  const rows = Object.keys(s.main) as RowId[];
  const n = c.seeds.length;
  const out: string[] = [];
  const minutes = ((res.seconds ?? 0) / 60).toFixed(1);
  out.push(`## Results: ${res.config.dataset}`);
  out.push('');
  out.push(
    `_Written by \`fair-table.ts\` from [fair-table-${c.dataset}.json](fair-table-${c.dataset}.json) at ${res.finished} — ` +
      `${minutes} minutes on the ${res.backend.name} backend (${c.threads} threads), ${res.host.cpus} cores shared with other jobs. ` +
      `Command (from \`packages/pretraining\`): \`${res.command}\`._`,
  );
  out.push('');
  out.push(
    `Setting: deep net ${c.sizes.join('-')}-10, shallow net 784-${c.hidden}-10, sigmoid units; ` +
      `${res.dataSizes.train} training, ${res.dataSizes.val} validation and ${res.dataSizes.test} test examples per seed; ` +
      `seeds ${c.seeds.join(', ')}; pretraining ${c.pretrainEpochs} epochs per layer; fine-tuning learning rates {${c.lrs.join(', ')}}, ` +
      `at most ${c.maxEpochs} epochs, patience ${c.patience} (see "How rows are selected").`,
  );
  out.push('');
  out.push(`### The table (selected runs, mean ± standard deviation over ${n} seeds)`);
  out.push('');
  out.push(
    table(
      [
        'row',
        'learning rate (per seed)',
        'best epoch (per seed)',
        'training error',
        'validation error',
        'test error',
        'paper, test (full MNIST)',
      ],
      rows.map((r) => {
        const m = s.main[r];
        return [
          name(r),
          m.lr.join(', '),
          m.epochs.join(', '),
          ms(m.train),
          ms(m.val),
          ms(m.test),
          `${res.rows[r].published.toFixed(1)}%`,
        ];
      }),
    ),
  );
  out.push('');
  out.push(
    '"Training error" is that of the restored (best-validation) weights on the whole training set in evaluation mode. ' +
      "The paper's two deep-net rows are one row (2.4%); its initialisation is not the subject of the table.",
  );
  out.push('');
  const cmpTable = (cs: Comparison[], what: 'test' | 'train' = 'test') =>
    table(
      [
        'row',
        'against',
        `mean difference of ${what} error ± std (points)`,
        't (df)',
        'p (two-sided)',
        'seeds better / worse / tied',
      ],
      cs.map((x) => [
        name(x.a),
        name(x.b),
        `${pp(x[what].mean)} ± ${pc(x[what].std)}`,
        `${Number.isFinite(x[what].t) ? x[what].t.toFixed(2) : x[what].t} (${x[what].df})`,
        pText(x[what].p),
        `${x[what].wins} / ${x[what].losses} / ${x[what].ties}`,
      ]),
    );
  out.push('### Paired comparisons (same seed = same split, same shuffles, same output layer)');
  out.push('');
  out.push(
    'Differences are row − baseline in percentage points of test error; negative means the pretrained row is better.',
  );
  out.push('');
  out.push(cmpTable(s.paired));
  out.push('');
  if (s.pairedPretrained.length || s.pairedBaselines.length) {
    out.push('Among the pretrained rows, and between the baselines:');
    out.push('');
    out.push(cmpTable([...s.pairedPretrained, ...s.pairedBaselines]));
    out.push('');
  }
  out.push('### Pretraining as a regularizer: test error against training error');
  out.push('');
  if (files.trainTest) out.push(`![test against training error](${files.trainTest})`);
  out.push('');
  out.push(
    "Each dot is one seed's selected run, each diamond a row's mean (Erhan et al. 2010 plot the same two errors). Training errors per row (mean): " +
      rows.map((r) => `${name(r)} ${pc(s.main[r].train.mean)}%`).join('; ') +
      '. Lowest running training error reached during fine-tuning (mean): ' +
      rows.map((r) => `${name(r)} ${pc(s.main[r].minRunningTrainError.mean)}%`).join('; ') +
      '.',
  );
  out.push('');
  const fewRows = Object.keys(s.few) as RowId[];
  if (fewRows.length) {
    out.push(`### Few labels: ${res.dataSizes.fewLabelled} labelled examples, every training image unlabelled`);
    out.push('');
    out.push(
      `The pretrained stacks are the same as above (pretrained without labels on all ${res.dataSizes.train} training images); ` +
        `fine-tuning and the from-scratch nets see only ${res.dataSizes.fewLabelled} labelled images (${res.dataSizes.fewLabelled / 10} per class), ` +
        `with the same learning-rate grid, at most ${c.fewMaxEpochs} epochs and patience ${c.fewPatience}, selected on the same validation set.`,
    );
    out.push('');
    out.push(
      table(
        [
          'row',
          'learning rate (per seed)',
          'best epoch (per seed)',
          'training error',
          'validation error',
          'test error',
        ],
        fewRows.map((r) => {
          const m = s.few[r];
          return [name(r), m.lr.join(', '), m.epochs.join(', '), ms(m.train), ms(m.val), ms(m.test)];
        }),
      ),
    );
    out.push('');
    out.push(cmpTable(s.fewPaired));
    out.push('');
    if (files.few) out.push(`![few labels](${files.few})`);
    out.push('');
  }
  out.push('### First-layer weights, measured');
  out.push('');
  out.push(
    'Movement ‖W₁ − W₁⁽⁰⁾‖ / ‖W₁⁽⁰⁾‖ over fine-tuning (W₁⁽⁰⁾: the weights fine-tuning starts from — pretrained or initial), ' +
      'the mean |cos| between the incoming weight vectors of distinct first-layer units before and after fine-tuning ' +
      '(about 0.03 for independent random vectors of 784 values; 1 if every unit points the same way), ' +
      'and the same for the changes W₁ − W₁⁽⁰⁾ (near 1: every unit moved the same way). Selected runs, mean ± std over seeds.',
  );
  out.push('');
  out.push(
    table(
      [
        'row',
        'relative movement of W₁',
        'mean \\|cos\\| at start',
        'mean \\|cos\\| after fine-tuning',
        'mean \\|cos\\| of the changes W₁ − W₁⁽⁰⁾',
      ],
      rows.map((r) => {
        const m = s.main[r];
        const f = (x: MeanStd) => `${x.mean.toFixed(3)} ± ${x.std.toFixed(3)}`;
        return [name(r), f(m.w1Movement), f(m.w1MeanAbsCosStart), f(m.w1MeanAbsCosEnd), f(m.w1MeanAbsCosOfChange)];
      }),
    ),
  );
  out.push('');
  out.push('### What reproduces and what does not (computed from the numbers above)');
  out.push('');
  const find = (cs: Comparison[], a: string, b: string) => cs.find((x) => x.a === a && x.b === b)?.test;
  const worstTrain = Math.max(...rows.map((r) => s.main[r].train.mean));
  const claims: string[] = [];
  claims.push(
    `Every row reaches about 0% training error (paper): the highest mean training error of a selected run is ${pc(worstTrain)}% ` +
      `(${rows.find((r) => s.main[r].train.mean === worstTrain) ? name(rows.find((r) => s.main[r].train.mean === worstTrain)!) : ''}) — ` +
      `${worstTrain <= c.convergedError ? '**reproduces**' : `**not everywhere** (above ${pc(c.convergedError, 0)}%)`}.`,
  );
  for (const a of ['dbn', 'ae', 'sup'])
    for (const b of ['deepDefault', 'deepGlorot'])
      if (s.main[a as RowId] && s.main[b as RowId])
        claims.push(`${name(a)} beats the ${name(b)}: ${verdict(find(s.paired, a, b), n)}.`);
  for (const a of ['dbn', 'ae'])
    if (s.main[a as RowId] && s.main.shallow)
      claims.push(`${name(a)} beats the shallow net: ${verdict(find(s.paired, a, 'shallow'), n)}.`);
  if (s.main.sup && s.main.shallow) {
    const x = find(s.paired, 'sup', 'shallow');
    claims.push(
      `Supervised greedy pretraining is about level with the shallow net (paper 2.0% vs 1.9%): difference ${x ? `${pp(x.mean)} ± ${pc(x.std)} points, p ${pText(x.p)}` : '—'}.`,
    );
  }
  if (s.main.dbn && s.main.ae)
    claims.push(
      `DBN beats autoencoder pretraining (paper 1.2% vs 1.4%): ${verdict(find(s.pairedPretrained, 'dbn', 'ae'), n)}.`,
    );
  if (s.main.ae && s.main.sup)
    claims.push(
      `Autoencoder beats supervised greedy pretraining (paper 1.4% vs 2.0%): ${verdict(find(s.pairedPretrained, 'ae', 'sup'), n)}.`,
    );
  const deepVsShallow = s.pairedBaselines.find((x) => x.a === 'deepGlorot' && x.b === 'shallow')?.test;
  if (deepVsShallow)
    claims.push(
      `The deep net without pretraining is worse than the shallow net (paper 2.4% vs 1.9%; Glorot init here): ${
        deepVsShallow.mean > 0 && deepVsShallow.p < 0.05
          ? '**reproduces**'
          : deepVsShallow.mean > 0
            ? '**same direction, not significant**'
            : '**does not reproduce**'
      } (${pp(deepVsShallow.mean)} ± ${pc(deepVsShallow.std)} points, p ${pText(deepVsShallow.p)}).`,
    );
  const order = [...rows].sort((a, b) => s.main[a].test.mean - s.main[b].test.mean);
  claims.push(
    `Order of mean test errors here: ${order.map((r) => `${name(r)} ${pc(s.main[r].test.mean)}%`).join(' < ')}.`,
  );
  if (fewRows.length) {
    for (const a of ['dbn', 'ae'])
      for (const b of ['deepGlorot', 'shallow']) {
        const few = find(s.fewPaired, a, b);
        const all = find(s.paired, a, b);
        if (few && all)
          claims.push(
            `With ${res.dataSizes.fewLabelled} labels, ${name(a)} against the ${name(b)}: ${verdict(few, n)}; with all ${res.dataSizes.train} labels the difference is ${pp(all.mean)} points.`,
          );
      }
  }
  out.push(claims.map((x) => `- ${x}`).join('\n'));
  out.push('');
  out.push('### What the run cost');
  out.push('');
  out.push(
    table(
      [
        'row',
        'pretraining (s per seed)',
        'fine-tuning, all learning rates (s per seed)',
        's per fine-tuning epoch',
        'epochs run (selected lr, per seed)',
      ],
      rows.map((r) => {
        const m = s.main[r];
        return [
          name(r),
          m.pretrainSeconds.mean > 0 ? m.pretrainSeconds.mean.toFixed(0) : '—',
          m.fineTuneSeconds.mean.toFixed(0),
          m.secondsPerEpoch.mean.toFixed(2),
          m.epochsRun.join(', '),
        ];
      }),
    ),
  );
  out.push('');
  out.push(
    `Total ${minutes} minutes: ${n} seeds × ${rows.length} rows × ${c.lrs.length} learning rates` +
      (fewRows.length
        ? `, plus the few-labels runs (${fewRows.length} rows × ${c.lrs.length} learning rates per seed)`
        : '') +
      '.',
  );
  return out.join('\n');
}

/** Replaces (or appends) the block between `<!-- fair-table:<dataset>:begin -->` and `...:end -->`. */
export function updateMarkdown(doc: string, dataset: string, section: string): string {
  const begin = `<!-- fair-table:${dataset}:begin -->`;
  const end = `<!-- fair-table:${dataset}:end -->`;
  const block = `${begin}\n${section}\n${end}`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}
