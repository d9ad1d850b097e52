/** The embedded WebAssembly binaries are exactly what scripts/build-wasm.mjs compiles from assembly/ with the pinned AssemblyScript. */
import { describe, expect, it } from 'vitest';
import { WASM_PLAIN_BASE64, WASM_SHARED_BASE64 } from '../src/wasm/binary.js';

describe('wasm build', () => {
  it('src/wasm/binary.ts is reproducible from assembly/', async () => {
    // @ts-expect-error: a plain .mjs build script without types
    const { compile } = await import('../scripts/build-wasm.mjs');
    const shared = await compile(true);
    const plain = await compile(false);
    expect(Buffer.from(shared.binary).toString('base64')).toBe(WASM_SHARED_BASE64);
    expect(Buffer.from(plain.binary).toString('base64')).toBe(WASM_PLAIN_BASE64);
  }, 60_000);
});
