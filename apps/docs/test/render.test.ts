/** The renderer, the directives and the link checker on small inputs. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenLinks } from '../scripts/check-links.mjs';
import { expandDirectives } from '../scripts/generated.mjs';
import { createMarkdown, layout, slug, titleOf } from '../scripts/render.mjs';
import { codeBlocks } from './samples.js';

describe('markdown rendering', () => {
  const md = createMarkdown();

  it('rewrites links between guides from .md to .html, keeping anchors and absolute links', () => {
    const html = md.render(
      '[a](backends.md) [b](lecture-map.md#optimizers) [c](https://x.org/a.md) [d](api/index.html)',
    );
    expect(html).toContain('href="backends.html"');
    expect(html).toContain('href="lecture-map.html#optimizers"');
    expect(html).toContain('href="https://x.org/a.md"');
    expect(html).toContain('href="api/index.html"');
  });

  it('gives headings unique ids', () => {
    const html = md.render('# The δ recursion\n\n## Notes\n\n## Notes');
    expect(html).toContain('<h1 id="the-δ-recursion">');
    expect(html).toContain('<h2 id="notes">');
    expect(html).toContain('<h2 id="notes-1">');
    expect(slug("Pretraining: the lecture's table")).toBe('pretraining-the-lectures-table');
  });

  it('marks runnable samples and drops the run flag from the language', () => {
    const html = md.render('```ts run\nconst a = 1;\n```');
    expect(html).toContain('class="sample"');
    expect(html).toContain('class="language-ts"');
  });

  it('lays out a page with the sidebar and the title', () => {
    const page = layout({ title: 'T', body: '<p>x</p>', nav: [{ name: 'a', title: 'A' }], current: 'a' });
    expect(page).toContain('<title>T · Backprop</title>');
    expect(page).toContain('<li class="current"><a href="a.html">A</a></li>');
    expect(titleOf('text\n# Title here\n', 'f')).toBe('Title here');
    expect(titleOf('no heading', 'f')).toBe('f');
  });
});

describe('directives', () => {
  it('says a missing picture has not been produced instead of failing', () => {
    const out = expandDirectives('<!-- @figure packages/none/docs/missing.svg | caption -->', { apiPackages: [] });
    expect(out).toContain('has not been produced yet');
  });

  it('rejects an unknown directive', () => {
    expect(() => expandDirectives('<!-- @nope -->', { apiPackages: [] })).toThrow(/unknown directive @nope/);
  });

  it('lists the API packages', () => {
    expect(expandDirectives('<!-- @api-packages -->', { apiPackages: ['core'] })).toBe(
      '- [`@backprop/core`](api/modules/_backprop_core.html)',
    );
  });
});

describe('the link checker', () => {
  it('reports missing files and anchors, and accepts good links', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-links-'));
    mkdirSync(join(dir, 'img'));
    writeFileSync(join(dir, 'img/a.svg'), '<svg/>');
    writeFileSync(join(dir, 'b.html'), '<h2 id="there">x</h2>');
    writeFileSync(
      join(dir, 'a.html'),
      '<a href="b.html#there">ok</a><img src="img/a.svg"><a href="https://example.org/x">ext</a>' +
        '<a href="c.html">missing</a><a href="b.html#nowhere">bad anchor</a><a href="#top">self</a>',
    );
    expect(brokenLinks(dir)).toEqual([
      { page: 'a.html', link: 'c.html', why: 'no such file' },
      { page: 'a.html', link: 'b.html#nowhere', why: 'no element with id "nowhere"' },
      { page: 'a.html', link: '#top', why: 'no element with id "top"' },
    ]);
  });
});

describe('sample extraction', () => {
  it('finds fenced blocks, numbers the runnable ones and keeps their lines', () => {
    const blocks = codeBlocks('g', '# T\n\n```ts run\na();\n```\n\n```sh\nls\n```\n\n```ts run\nb();\n```\n');
    expect(blocks.map((b) => [b.id, b.lang, b.runnable, b.line, b.code])).toEqual([
      ['g-1', 'ts', true, 3, 'a();'],
      ['g-line7', 'sh', false, 7, 'ls'],
      ['g-2', 'ts', true, 11, 'b();'],
    ]);
  });
});
