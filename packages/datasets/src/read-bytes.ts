/** Reading bytes from a path or file: URL (Node) or a buffer, gunzipping when the bytes are gzip. */
import { ValueError } from '@backprop/core';
import { DataError, MissingFileError } from './errors.js';

/**
 * A file path or `file:` URL (Node), or the file's bytes. A relative path is resolved against
 * the current directory, by `node:path` (so `\` and drive letters work on Windows, `/` everywhere).
 */
export type Source = string | URL | Uint8Array | ArrayBuffer;

/**
 * The absolute path of this OS for a path or a `file:` URL (given as a URL or a string starting
 * with `file:`). Node only: `node:path` and `node:url` are imported on first use, so browsers
 * that only pass bytes never load them.
 */
export async function resolvePath(fn: string, path: string | URL): Promise<string> {
  if (path instanceof URL || /^file:/i.test(path)) {
    const url = path instanceof URL ? path : new URL(path);
    if (url.protocol !== 'file:') {
      throw new ValueError(
        `${fn}: only file: URLs can be read from disk, got ${JSON.stringify(url.href)}; fetch the bytes and pass them instead`,
      );
    }
    const { fileURLToPath } = await import('node:url');
    return fileURLToPath(url);
  }
  if (typeof path !== 'string' || path === '') {
    throw new ValueError(`${fn}: a path must be a non-empty string or a file: URL, got ${JSON.stringify(path)}`);
  }
  const { resolve } = await import('node:path');
  return resolve(path);
}

/** True when a file (or folder) exists at the absolute `path` (Node). */
export async function exists(path: string): Promise<boolean> {
  const fs = await import('node:fs/promises');
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bytes of `source`, decompressed if they start with the gzip magic number. A path that
 * does not exist is a MissingFileError naming the absolute path looked at; `missingHint` (what
 * to install or where to put the file) is appended to its message.
 */
export async function readBytes(fn: string, source: Source, missingHint?: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (typeof source === 'string' || source instanceof URL) {
    const path = await resolvePath(fn, source);
    const fs = await import('node:fs/promises');
    try {
      bytes = new Uint8Array(await fs.readFile(path));
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
  else {
    throw new ValueError(
      `${fn}: the source must be a path, a file: URL, a Uint8Array or an ArrayBuffer, got ${
        source === null ? 'null' : typeof source
      }`,
    );
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return gunzip(bytes);
  return bytes;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'function') {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const zlib = await import('node:zlib');
  return new Uint8Array(zlib.gunzipSync(bytes));
}
