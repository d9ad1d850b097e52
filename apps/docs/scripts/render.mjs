/** Markdown → HTML: markdown-it with heading anchors, `.md` links rewritten to `.html`, and the page layout. */
import MarkdownIt from 'markdown-it';

/** A heading's anchor: lower case, letters, digits and dashes (GitHub's rule, near enough). */
export function slug(text) {
  return text
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s+/g, '-');
}

/**
 * The Markdown renderer used for every guide. `highlight(code, lang)` (from `createHighlighter`
 * in highlight.mjs) colours fenced code; without it code blocks are plain.
 */
export function createMarkdown({ highlight } = {}) {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false, highlight });
  // Heading ids, so guides can link to sections (`lecture-map.md#optimizers`).
  md.core.ruler.push('heading-ids', (state) => {
    const seen = new Map();
    state.tokens.forEach((token, i) => {
      if (token.type !== 'heading_open') return;
      const base = slug(state.tokens[i + 1].content);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      token.attrSet('id', n === 0 ? base : `${base}-${n}`);
    });
  });
  // Links between guides are written as `other.md` (so they work on GitHub too) and served as `other.html`.
  const link =
    md.renderer.rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
  md.renderer.rules.link_open = (tokens, i, options, env, self) => {
    const href = tokens[i].attrGet('href') ?? '';
    if (!/^[a-z]+:/i.test(href)) tokens[i].attrSet('href', href.replace(/^([^#?]*)\.md(?=$|[#?])/, '$1.html'));
    return link(tokens, i, options, env, self);
  };
  // ```ts run blocks are shown as TypeScript with a note that the tests run them.
  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, i, options, env, self) => {
    const [lang, ...flags] = tokens[i].info.trim().split(/\s+/);
    tokens[i].info = lang ?? '';
    const html = fence(tokens, i, options, env, self);
    return flags.includes('run')
      ? `<div class="sample" title="compiled and run by the docs tests">${html}</div>`
      : html;
  };
  return md;
}

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The HTML page around a rendered guide: head, sidebar with the search box, every guide and the API. */
export function layout({ title, body, nav, current }) {
  const items = nav
    .map(
      (g) =>
        `<li${g.name === current ? ' class="current"' : ''}><a href="${g.name}.html">${escapeHtml(g.title)}</a></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Backprop</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<nav class="sidebar" aria-label="Site">
<a class="brand" href="index.html">Backprop</a>
<div class="search" role="search">
<input type="search" id="search" placeholder="Search the guides" aria-label="Search the guides" autocomplete="off">
<ul id="search-results"></ul>
</div>
<ul>
${items}
<li><a href="api/index.html">API reference</a></li>
</ul>
</nav>
<main>
${body}
</main>
<script src="search.js" defer></script>
</body>
</html>
`;
}

/** The title of a guide: its first `# ` heading, or the file name. */
export function titleOf(markdown, fallback) {
  const m = /^#\s+(.+)$/m.exec(markdown);
  return m ? m[1].trim() : fallback;
}
