/**
 * What the datasets need from the platform, in one place. `#host` (package.json `imports`) picks
 * `host-node.ts` under the `node` condition and `host-browser.ts` everywhere else, so a browser
 * bundle never sees a `node:` import. The hosts hold no policy: messages and errors live in
 * `read-bytes.ts`, `mnist.ts` and the loaders, which are the same on every platform.
 */

/** Disk access: paths, folders, the data folder. Node only. */
export interface HostFiles {
  /** An absolute path from a `file:` URL (`node:url`). */
  fileURLToPath(url: URL): string;
  /** An absolute path from a path, relative ones against the current directory (`node:path`). */
  resolve(path: string): string;
  /** Joins path segments with this OS's separator (`node:path`). */
  join(...parts: string[]): string;
  /** Resolves when something exists at `path`; rejects otherwise (`fs.access`). */
  access(path: string): Promise<void>;
  /** The bytes of the file at `path`; rejects with the errno error (`code`: ENOENT, …). */
  readFile(path: string): Promise<Uint8Array>;
  /** The user's home folder (`os.homedir()`). */
  homedir(): string;
  /** An environment variable, or undefined when it is unset or empty. */
  env(name: string): string | undefined;
}

/** The platform's services; a field is undefined where the platform lacks it. */
export interface Host {
  /** Disk access (Node), undefined in browsers. */
  readonly files: HostFiles | undefined;
  /** Synchronous gunzip, used when `DecompressionStream` is missing (Node's zlib). */
  readonly gunzipSync: ((bytes: Uint8Array) => Uint8Array) | undefined;
  /**
   * Imports an installed package by name at run time, from this package's location, with the
   * name hidden from bundlers (Node); undefined where bare names cannot be imported (browsers).
   */
  readonly importPackage: ((name: string) => Promise<unknown>) | undefined;
}
