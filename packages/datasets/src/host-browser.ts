/**
 * The host of browsers, workers and every other runtime without the `node` condition (the
 * default of `#host`): no disk, no zlib (gzip goes through `DecompressionStream`), no run-time
 * imports by package name. Data comes as bytes, Blobs, fetch Responses or text.
 */
import type { Host } from './host.js';

export const host: Host = { files: undefined, gunzipSync: undefined, importPackage: undefined };
