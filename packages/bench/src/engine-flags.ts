/**
 * The bench measures backend-cpu at its best, which on Node 20 means relaxed SIMD (fused
 * multiply-adds in matmul), shipped in later Node and in Chrome but behind a V8 flag here. When
 * this engine lacks it and the flag turns it on, the bench re-runs itself with the flag, and the
 * system rows say "relaxed SIMD". `--no-relaxed-simd` (or BACKPROP_BENCH_NO_RELAXED=1) keeps
 * the engine as it is.
 */
import { spawnSync } from 'node:child_process';
import { relaxedSimdAvailable } from '@backprop/backend-cpu';

/** The V8 flag that enables relaxed SIMD where it is not shipped yet. */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/**
 * Re-runs this script with the relaxed-SIMD flag when that turns the feature on here; returns
 * the child's exit code, or undefined when this process should run the bench itself.
 */
export function rerunWithRelaxedSimd(argv: readonly string[]): number | undefined {
  if (relaxedSimdAvailable() || process.env.BACKPROP_BENCH_NO_RELAXED || argv.includes('--no-relaxed-simd')) return;
  if (process.execArgv.includes(RELAXED_SIMD_FLAG)) return;
  const probe = spawnSync(process.execPath, [RELAXED_SIMD_FLAG, '-e', '0'], { stdio: 'ignore' });
  if (probe.status !== 0) return;
  console.log(
    `bench: re-running with ${RELAXED_SIMD_FLAG} (backend-cpu's fused multiply-adds; --no-relaxed-simd keeps the engine as is)`,
  );
  const child = spawnSync(process.execPath, [...process.execArgv, RELAXED_SIMD_FLAG, ...argv], { stdio: 'inherit' });
  return child.status ?? 1;
}
