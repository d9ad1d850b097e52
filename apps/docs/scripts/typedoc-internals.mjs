/**
 * A typedoc plugin (loaded by typedoc.mjs): removes the exports listed in api-internals.mjs
 * from their package's reference before typedoc resolves links, so they get no page and no
 * entry in the package's index or typedoc's search.
 */
import { Converter } from 'typedoc';
import { apiInternals } from './api-internals.mjs';

export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    const folder = (project.packageName ?? project.name).replace(/^@backprop\//, '');
    const hidden = new Set(apiInternals[folder] ?? []);
    for (const child of [...(project.children ?? [])]) {
      if (hidden.has(child.name)) project.removeReflection(child);
    }
  });
}
