/*
 * The docs site's search box: loads search-index.json (written at build time, one entry per
 * section of every guide) on first use and shows the sections containing every word typed.
 * Runs in the browser; no network beyond the site's own files.
 */
(() => {
  const input = document.getElementById('search');
  const list = document.getElementById('search-results');
  if (!input || !list) return;
  let index;

  const load = () => {
    index ??= fetch('search-index.json')
      .then((r) => r.json())
      .catch(() => null);
    return index;
  };

  const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  /** A few words of `text` around the first match of `word`. */
  const snippet = (text, word) => {
    const at = Math.max(0, text.toLowerCase().indexOf(word));
    const start = Math.max(0, at - 40);
    return `${start > 0 ? '…' : ''}${text.slice(start, at + 80)}${at + 80 < text.length ? '…' : ''}`;
  };

  const show = async () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.innerHTML = '';
    if (!words.length) return;
    const entries = await load();
    if (!entries) {
      list.innerHTML = '<li class="none">Search needs the site served over HTTP.</li>';
      return;
    }
    const scored = [];
    for (const e of entries) {
      const head = `${e.title} ${e.heading}`.toLowerCase();
      const body = e.text.toLowerCase();
      if (!words.every((w) => head.includes(w) || body.includes(w))) continue;
      const score = words.reduce((s, w) => s + (head.includes(w) ? 10 : 0) + Math.min(5, body.split(w).length - 1), 0);
      scored.push({ e, score });
    }
    scored.sort((a, b) => b.score - a.score);
    list.innerHTML = scored.length
      ? scored
          .slice(0, 12)
          .map(
            ({ e }) =>
              `<li><a href="${e.page}#${encodeURIComponent(e.anchor)}"><b>${escapeHtml(e.heading)}</b>` +
              `<span class="where">${escapeHtml(e.title)}</span>` +
              `<span class="snippet">${escapeHtml(snippet(e.text, words[0]))}</span></a></li>`,
          )
          .join('')
      : '<li class="none">No results</li>';
  };

  input.addEventListener('focus', load, { once: true });
  input.addEventListener('input', show);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      input.value = '';
      list.innerHTML = '';
    } else if (event.key === 'Enter') {
      list.querySelector('a')?.click();
    }
  });
})();
