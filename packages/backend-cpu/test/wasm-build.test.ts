/**
 * The embedded WebAssembly binaries are exactly what scripts/build-wasm.mjs compiles from assembly/ with the pinned
 * AssemblyScript, and the optimizer steps in assembly/updates.ts are exactly what scripts/update-kernels.mjs generates
 * from core's fused update rules today.
 */
import { readFileSync } from 'node:fs';
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

  it("assembly/updates.ts is generated from core's fused update rules as they are now", async () => {
    // @ts-expect-error: a plain .mjs build script without types
    const { generateUpdates } = await import('../scripts/update-kernels.mjs');
    const committed = readFileSync(new URL('../assembly/updates.ts', import.meta.url), 'utf8');
    // On a mismatch: `pnpm --filter @backprop/backend-cpu build` rewrites the file.
    expect(committed === generateUpdates()).toBe(true);
  });
});
