/**
 * Settings in the URL: every named control of a form is written to the query string as it
 * changes (`history.replaceState`, so no history entries pile up), and read back on load, so a
 * link restores the exact setup.
 */

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function controls(form: HTMLFormElement): Control[] {
  return Array.from(form.elements).filter(
    (e): e is Control =>
      (e instanceof HTMLInputElement || e instanceof HTMLSelectElement || e instanceof HTMLTextAreaElement) &&
      e.name !== '',
  );
}

/** Sets the form's controls from the page's query string; returns the names it set. */
export function restoreForm(form: HTMLFormElement, search = location.search): string[] {
  const query = new URLSearchParams(search);
  const set: string[] = [];
  for (const c of controls(form)) {
    const v = query.get(c.name);
    if (v === null) continue;
    if (c instanceof HTMLInputElement && c.type === 'checkbox') c.checked = v === '1';
    else if (c instanceof HTMLSelectElement && !Array.from(c.options).some((o) => o.value === v)) continue;
    else c.value = v;
    set.push(c.name);
  }
  return set;
}

/** The form's controls as query parameters (checkboxes as 1/0). */
export function formQuery(form: HTMLFormElement, extra: Record<string, string> = {}): URLSearchParams {
  const query = new URLSearchParams();
  for (const c of controls(form))
    query.set(c.name, c instanceof HTMLInputElement && c.type === 'checkbox' ? (c.checked ? '1' : '0') : c.value);
  for (const [k, v] of Object.entries(extra)) query.set(k, v);
  return query;
}

/** Writes the form's settings (and `extra`) into the address bar without reloading. */
export function saveForm(form: HTMLFormElement, extra: Record<string, string> = {}): void {
  history.replaceState(null, '', `${location.pathname}?${formQuery(form, extra)}${location.hash}`);
}
