/** Syntax highlighting and the search index, on small inputs. */
import { describe, expect, it } from 'vitest';
import { createHighlighter } from '../scripts/highlight.mjs';
import { createMarkdown, layout } from '../scripts/render.mjs';
import { buildSearchIndex, plainText, sectionsOf } from '../scripts/search.mjs';

describe('syntax highlighting', async () => {
  const md = createMarkdown({ highlight: await createHighlighter() });
  const plain = createMarkdown();
  const tok = /<span class="tok" style="color:#[0-9a-f]{6}">/i;

  it.each([
    ['ts', "import { cpu } from '@backprop/backend-cpu';\nconst n: number = 1; // one", ['import', 'const', '// one']],
    ['js', 'export function f(x) {\n  return x * 2;\n}', ['export', 'function', 'return']],
    ['bash', 'cd apps/docs && npx vitest run # tests', ['cd', '# tests']],
    ['sh', 'node scripts/build.mjs --no-api', ['node']],
    ['json', '{ "name": "@backprop/core", "private": true }', ['"name"', 'true']],
    ['python', 'def f(x):\n    return x ** 2  # square', ['def', 'return', '# square']],
  ])('colours %s tokens', (lang, code, tokens) => {
    const html = md.render(`\`\`\`${lang}\n${code}\n\`\`\``);
    expect(html).toMatch(tok);
    expect(html).toContain(`class="language-${lang}"`);
    for (const t of tokens)
      expect(html).toMatch(new RegExp(`<span class="tok"[^>]*>${t.replace(/[*]/g, '\\$&')}</span>`));
    // The text is unchanged: only spans were added.
    expect(plainText(html)).toBe(plainText(plain.render(`\`\`\`${lang}\n${code}\n\`\`\``)));
  });

  it('keeps runnable samples marked and escapes code', () => {
    const html = md.render('```ts run\nconst a = 1 < 2 && "x";\n```');
    expect(html).toContain('class="sample"');
    expect(html).toContain('&lt;');
    expect(html).toContain('&amp;&amp;');
    expect(html).toMatch(tok);
  });

  it('leaves other languages plain', () => {
    const html = md.render('```text\nconst a = 1;\n```\n\n```\nplain\n```');
    expect(html).not.toContain('class="tok"');
    expect(html).toContain('const a = 1;');
  });
});

describe('the search index', () => {
  const md = createMarkdown();
  const html = md.render(
    '# Writing a backend\n\nIntro &amp; more.\n\n## The contract\n\n`write` and `read`.\n\n## Prove it\n\nrunConformance <b>now</b>\n',
  );

  it('has one section per heading, with its anchor and plain text', () => {
    expect(sectionsOf(html)).toEqual([
      { anchor: 'writing-a-backend', heading: 'Writing a backend', text: 'Intro & more.' },
      { anchor: 'the-contract', heading: 'The contract', text: 'write and read.' },
      { anchor: 'prove-it', heading: 'Prove it', text: 'runConformance now' },
    ]);
  });

  it('names the page and its title in every entry', () => {
    const index = buildSearchIndex([{ page: 'backends.html', title: 'Writing a backend', html }]);
    expect(index.map((e) => `${e.page}#${e.anchor}`)).toEqual([
      'backends.html#writing-a-backend',
      'backends.html#the-contract',
      'backends.html#prove-it',
    ]);
    expect(index.every((e) => e.title === 'Writing a backend')).toBe(true);
  });

  it('is wired into the layout: a search box and the script', () => {
    const page = layout({ title: 'T', body: '<p>x</p>', nav: [{ name: 'a', title: 'A' }], current: 'a' });
    expect(page).toContain('<input type="search" id="search"');
    expect(page).toContain('<ul id="search-results">');
    expect(page).toContain('<script src="search.js" defer></script>');
  });
});
