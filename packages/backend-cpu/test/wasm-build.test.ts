/** The embedded WebAssembly binaries are exactly what scripts/build-wasm.mjs compiles from assembly/ with the pinned AssemblyScript. */
import { describe, expect, it } from 'vitest';
import * as embedded from '../src/wasm/binary.js';

describe('wasm build', () => {
  it('src/wasm/binary.ts is reproducible from assembly/ (all four builds)', async () => {
    // @ts-expect-error: a plain .mjs build script without types
    const { compileAll } = await import('../scripts/build-wasm.mjs');
    const builds = await compileAll();
    const base64 = (name: string) => Buffer.from(builds[name].binary).toString('base64');
    expect(base64('shared')).toBe(embedded.WASM_SHARED_BASE64);
    expect(base64('plain')).toBe(embedded.WASM_PLAIN_BASE64);
    expect(base64('sharedRelaxed')).toBe(embedded.WASM_SHARED_RELAXED_BASE64);
    expect(base64('plainRelaxed')).toBe(embedded.WASM_PLAIN_RELAXED_BASE64);
    expect(base64('sharedRelaxed')).not.toBe(base64('shared')); // the relaxed builds do differ
  }, 120_000);
});
