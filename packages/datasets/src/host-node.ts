/** The Node host (the `node` condition of `#host`): disk access, zlib and run-time package imports. */
import { access, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Host } from './host.js';

export const host: Host = {
  files: {
    fileURLToPath: (url) => fileURLToPath(url),
    resolve: (path) => resolve(path),
    join: (...parts) => join(...parts),
    access: (path) => access(path),
    readFile: async (path) => new Uint8Array(await readFile(path)),
    homedir: () => homedir(),
    env: (name) => process.env[name] || undefined,
  },
  gunzipSync: (bytes) => new Uint8Array(gunzipSync(bytes)),
  // NOTE: the specifier is a variable so that bundlers neither bundle nor require the package:
  // it is an optional peer dependency, resolved by Node when the loader needs it.
  importPackage: (name) => import(/* @vite-ignore */ /* webpackIgnore: true */ name),
};
