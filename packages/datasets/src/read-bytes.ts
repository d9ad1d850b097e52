/** Reading bytes from a path (Node) or a buffer, gunzipping when the bytes are gzip. */
import { ValueError } from '@backprop/core';

/** A file path (Node) or the file's bytes. */
export type Source = string | Uint8Array | ArrayBuffer;

/** The bytes of `source`, decompressed if they start with the gzip magic number. */
export async function readBytes(fn: string, source: Source): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    const fs = await import('node:fs/promises');
    try {
      bytes = new Uint8Array(await fs.readFile(source));
    } catch (e) {
      throw new ValueError(
        `${fn}: cannot read ${source} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
  } else bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
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
