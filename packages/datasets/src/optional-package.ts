/** Importing an optional peer dependency by name at run time, with an error that says how to install it. */
import { host } from '#host';
import { MissingPackageError } from './errors.js';

/** True when `e` says that the package `name` itself could not be found. */
export function isMissingPackage(e: unknown, name: string): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const named = text.includes(`'${name}'`) || text.includes(`"${name}"`) || text.includes(` ${name} `);
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return named;
  return named && /cannot find (package|module)|failed to (resolve|load)/i.test(text);
}

/**
 * Imports the optional package `name` by name for the loader `fn`; a MissingPackageError saying
 * `install` when it is not installed, or when this runtime cannot import packages by name.
 */
export async function importOptional(fn: string, name: string, install: string, instead: string): Promise<unknown> {
  if (!host.importPackage) {
    throw new MissingPackageError(
      `${fn}: the "${name}" package cannot be imported by name here, got a runtime without the node condition; ${install}, and ${instead}`,
      name,
    );
  }
  try {
    return await host.importPackage(name);
  } catch (e) {
    if (isMissingPackage(e, name)) {
      throw new MissingPackageError(
        `${fn}: the "${name}" package is not installed, got ${(e as Error).message.split('\n')[0]}; ${install}, or ${instead}`,
        name,
      );
    }
    throw e;
  }
}
