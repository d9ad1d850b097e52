/**
 * Syntax highlighting of fenced code blocks with shiki's TextMate grammars (`@gerrit0/mini-shiki`,
 * the build typedoc itself uses for the API pages), run at build time: the pages ship coloured
 * `<span>`s and no script. Blocks in other languages are left plain.
 */
import * as shiki from '@gerrit0/mini-shiki';

const THEME = 'github-light';

/** Fence languages → shiki grammars. */
export const LANGUAGES = {
  ts: 'typescript',
  typescript: 'typescript',
  js: 'javascript',
  javascript: 'javascript',
  mjs: 'javascript',
  bash: 'bash',
  sh: 'bash',
  shell: 'bash',
  json: 'json',
  python: 'python',
  py: 'python',
};

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// shiki's FontStyle bit flags.
const ITALIC = 1;
const BOLD = 2;

/**
 * Loads the grammars and the theme, and returns `highlight(code, lang)`: the inner HTML of the
 * code element (one `<span class="tok" style="color:…">` per token), or `''` for a language it
 * does not know — markdown-it's `highlight` contract, so it then escapes the code itself.
 */
export async function createHighlighter() {
  await shiki.loadBuiltinWasm();
  const engine = await shiki.createOnigurumaEngine();
  const grammars = [...new Set(Object.values(LANGUAGES))];
  const internal = await shiki.createShikiInternal({
    engine,
    themes: [shiki.bundledThemes[THEME]],
    langs: grammars.map((g) => shiki.bundledLanguages[g]),
  });
  const base = internal.getTheme(THEME).fg.toLowerCase();
  return function highlight(code, lang) {
    const grammar = LANGUAGES[(lang ?? '').toLowerCase()];
    if (!grammar) return '';
    const lines = shiki.codeToTokensWithThemes(internal, code.replace(/\n$/, ''), {
      themes: { light: THEME },
      lang: grammar,
      // No per-line time limit: the first line a grammar sees also compiles its regular
      // expressions, which on a busy machine ran past shiki's 500 ms and left the line plain.
      tokenizeTimeLimit: 0,
    });
    const html = lines.map((line) =>
      line
        .map(({ content, variants }) => {
          const { color, fontStyle = 0 } = variants.light;
          const styles = [];
          if (color && color.toLowerCase() !== base) styles.push(`color:${color}`);
          if (fontStyle & ITALIC) styles.push('font-style:italic');
          if (fontStyle & BOLD) styles.push('font-weight:bold');
          const text = escapeHtml(content);
          return styles.length ? `<span class="tok" style="${styles.join(';')}">${text}</span>` : text;
        })
        .join(''),
    );
    return `${html.join('\n')}\n`;
  };
}
