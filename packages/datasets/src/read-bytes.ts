/**
 * Reading bytes from a path or file: URL (Node), a buffer, a Blob or a fetch Response,
 * gunzipping when the bytes are gzip; the data folder. Disk access goes through `#host`, which
 * is Node's file system under the `node` condition and absent in browsers.
 */
import { ValueError } from '@backprop/core';
import { host } from '#host';
import { DataError, MissingFileError } from './errors.js';
import type { HostFiles } from './host.js';

/** Anything with `arrayBuffer()`: a fetch `Response`, a `Blob` or a `File`. */
export interface ByteSource {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * A file path or `file:` URL (Node), or the file's bytes: a `Uint8Array`, an `ArrayBuffer`, or
 * anything with `arrayBuffer()` (a fetch `Response`, a `Blob`, a `File`; works everywhere). A
 * relative path is resolved against the current directory, by `node:path` (so `\` and drive
 * letters work on Windows, `/` everywhere).
 */
export type Source = string | URL | Uint8Array | ArrayBuffer | ByteSource;

/** The environment variable naming the data folder (see {@link dataDir}). */
export const DATA_DIR_ENV = 'BACKPROP_DATA_DIR';

/** Disk access, or a ValueError saying what to pass instead (browsers). */
function files(fn: string): HostFiles {
  if (!host.files) {
    throw new ValueError(
      `${fn}: paths and file: URLs can only be read in Node, got one in a runtime without a file system; pass the file's bytes instead (a Uint8Array, an ArrayBuffer, a Blob or a fetch Response)`,
    );
  }
  return host.files;
}

/**
 * The folder where loaders look for data files by default, the same way on every OS: the
 * `BACKPROP_DATA_DIR` environment variable when set (relative to the current directory), else
 * `.backprop/datasets` in the user's home folder (`os.homedir()`). Each dataset has its own
 * sub-folder (`fashion-mnist/`, `digits/`). Node only: a ValueError in browsers.
 *
 * @example
 * ```ts
 * import { dataDir } from '@backprop/datasets';
 *
 * console.log(dataDir()); // $BACKPROP_DATA_DIR, else ~/.backprop/datasets
 * ```
 */
export function dataDir(): string {
  const f = files('dataDir');
  const fromEnv = f.env(DATA_DIR_ENV);
  return fromEnv ? f.resolve(fromEnv) : f.join(f.homedir(), '.backprop', 'datasets');
}

/** Joins path segments with this OS's separator (Node). */
export function joinPath(fn: string, ...parts: string[]): string {
  return files(fn).join(...parts);
}

/**
 * The absolute path of this OS for a path or a `file:` URL (given as a URL or a string starting
 * with `file:`). Node only: browsers get a ValueError saying to pass bytes.
 */
export async function resolvePath(fn: string, path: string | URL): Promise<string> {
  if (path instanceof URL || /^file:/i.test(path)) {
    const url = path instanceof URL ? path : new URL(path);
    if (url.protocol !== 'file:') {
      throw new ValueError(
        `${fn}: only file: URLs can be read from disk, got ${JSON.stringify(url.href)}; fetch it and pass the Response (or its bytes) instead`,
      );
    }
    return files(fn).fileURLToPath(url);
  }
  if (typeof path !== 'string' || path === '') {
    throw new ValueError(`${fn}: a path must be a non-empty string or a file: URL, got ${JSON.stringify(path)}`);
  }
  return files(fn).resolve(path);
}

/** True when a file (or folder) exists at the absolute `path` (Node). */
export async function exists(path: string): Promise<boolean> {
  try {
    await files('exists').access(path);
    return true;
  } catch {
    return false;
  }
}

function isByteSource(source: unknown): source is ByteSource {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as { arrayBuffer?: unknown }).arrayBuffer === 'function'
  );
}

/** Options of {@link readSource}. */
export interface ReadOptions {
  /** Appended to a MissingFileError's message: what to install, or where to put the file. */
  missingHint?: string;
  /** The file's role in the loader (`trainImages`), put before its path in messages. */
  role?: string;
}

/** A source's bytes, and how messages name it (`trainImages (/data/…gz)`, `/data/a.csv`, `the data`). */
export interface SourceBytes {
  bytes: Uint8Array;
  what: string;
}

/** How messages name `source`, read from `path` when it is one: its role, then where it came from. */
function describe(source: Source, path: string | undefined, role: string | undefined): string {
  let where: string | undefined = path;
  if (where === undefined && isByteSource(source)) {
    const url = (source as { url?: unknown }).url;
    where = typeof url === 'string' && url !== '' ? `the response for ${url}` : undefined;
  }
  if (role !== undefined) return where === undefined ? role : `${role} (${where})`;
  if (where !== undefined) return where;
  return source instanceof Uint8Array || source instanceof ArrayBuffer
    ? 'the data'
    : `the ${(source as object).constructor?.name ?? 'byte source'}`;
}

/**
 * The bytes of `source`, decompressed if they start with the gzip magic number, and how messages
 * name it. A path that does not exist is a MissingFileError naming the absolute path looked at;
 * `missingHint` (what to install or where to put the file) is appended to its message. A fetch
 * Response that is not ok (a 404) is a MissingFileError naming its URL and status. Gzip data
 * that does not decompress (truncated, corrupt) is a DataError naming the source.
 */
export async function readSource(fn: string, source: Source, options: ReadOptions = {}): Promise<SourceBytes> {
  const { missingHint, role } = options;
  let bytes: Uint8Array;
  let path: string | undefined;
  if (typeof source === 'string' || source instanceof URL) {
    path = await resolvePath(fn, source);
    try {
      bytes = await files(fn).readFile(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new MissingFileError(
          `${fn}: no file at ${path}, got ${JSON.stringify(String(source))}; ${
            missingHint ?? 'check the path (a relative path is resolved against the current directory)'
          }`,
          [path],
        );
      }
      throw new DataError(`${fn}: cannot read ${path}, got ${code ?? (e as Error).message}`);
    }
  } else if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (isByteSource(source)) {
    const response = source as { ok?: unknown; status?: number; statusText?: string; url?: string };
    if (response.ok === false) {
      const url = response.url || '(unknown URL)';
      throw new MissingFileError(
        `${fn}: the response for ${url} is not ok, got ${response.status} ${response.statusText ?? ''}`.trimEnd() +
          `; check the URL${missingHint ? `, or ${missingHint}` : ''}`,
        [url],
      );
    }
    bytes = new Uint8Array(await source.arrayBuffer());
  } else {
    throw new ValueError(
      `${fn}: ${role ?? 'the source'} must be a path, a file: URL, a Uint8Array, an ArrayBuffer, a Blob or a fetch Response, got ${
        source === null ? 'null' : typeof source
      }`,
    );
  }
  const what = describe(source, path, role);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return { bytes: await gunzip(fn, bytes, what), what };
  return { bytes, what };
}

async function gunzip(fn: string, bytes: Uint8Array, what: string): Promise<Uint8Array> {
  try {
    if (typeof DecompressionStream === 'function') {
      const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
      return new Uint8Array(await new Response(stream).arrayBuffer());
    }
    if (host.gunzipSync) return host.gunzipSync(bytes);
  } catch (e) {
    throw new DataError(
      `${fn}: ${what} is gzip-compressed (it starts with 1f 8b) but does not decompress, got ${JSON.stringify(
        e instanceof Error ? e.message : String(e),
      )}; it is truncated or corrupt — download or copy the file again`,
    );
  }
  throw new DataError(
    `${fn}: the data is gzip-compressed, got a runtime without DecompressionStream; decompress it first or use a runtime that has DecompressionStream`,
  );
}
