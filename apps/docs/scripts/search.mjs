/**
 * The client-side search index, built from the rendered guides: one entry per section (the
 * text under one heading), with the page, the heading's anchor and the section's plain text.
 * `search.js` (copied next to it) loads it in the browser and filters it as the reader types.
 */

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/**
 * Plain text of an HTML fragment: inline tags removed (so a highlighted `f(x)` stays `f(x)`),
 * block tags turned into spaces, the entities markdown-it writes decoded, whitespace collapsed.
 */
export function plainText(html) {
  return html
    .replace(/<\/?(?:a|b|code|em|i|span|strong|sub|sup)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e) => ENTITIES[e])
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The sections of a rendered page: `{ anchor, heading, text }` for each heading with an id,
 * holding the text up to the next heading (text before the first heading joins the first section).
 */
export function sectionsOf(html) {
  const headings = [...html.matchAll(/<h([1-6]) id="([^"]*)">([\s\S]*?)<\/h\1>/g)];
  return headings.map((m, i) => {
    const start = i === 0 ? 0 : m.index + m[0].length;
    const end = i + 1 < headings.length ? headings[i + 1].index : html.length;
    const body = i === 0 ? html.slice(0, m.index) + html.slice(m.index + m[0].length, end) : html.slice(start, end);
    return { anchor: m[2], heading: plainText(m[3]), text: plainText(body) };
  });
}

/**
 * The index of every page: `[{ page, title, anchor, heading, text }]`, pages in sidebar order.
 * @param {{ page: string, title: string, html: string }[]} pages
 * @returns {{ page: string, title: string, anchor: string, heading: string, text: string }[]}
 */
export function buildSearchIndex(pages) {
  return pages.flatMap(({ page, title, html }) => sectionsOf(html).map((s) => ({ page, title, ...s })));
}
