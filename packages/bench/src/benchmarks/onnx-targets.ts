/** The ONNX Runtime issue's targets on the MLP step: compiled vs PyTorch, vs ONNX Runtime's matmul limit, eager vs compiled. */
import type { MatmulLimit } from '../system.js';

/** Targets, as time ratios (at most). */
export const ONNX_TARGETS = {
  /** Compiled step time ÷ PyTorch CPU (2 threads). */
  vsTorch: 1,
  /** Compiled step time ÷ (step FLOPs ÷ ONNX Runtime's own MatMul rate). */
  vsMatmulLimit: 1.5,
  /** Eager step time ÷ compiled. */
  eagerVsCompiled: 3,
} as const;

const check = (name: string, value: number | undefined, target: number, detail: string): string =>
  value === undefined
    ? `target: ${name} ≤ ${target}×: not measured (${detail})`
    : `target: ${name} ≤ ${target}×: ${value.toFixed(2)}× ${detail} (${value <= target ? 'met' : 'NOT met'})`;

/**
 * The summary lines of the ONNX targets, from the MLP step's median times by system id and the
 * ONNX system's matmul limit; none when `backprop-onnx` was not measured.
 */
export function onnxTargetLines(
  ms: ReadonlyMap<string, number>,
  limit: MatmulLimit | undefined,
  stepFlops: number,
): string[] {
  const compiled = ms.get('backprop-onnx');
  if (compiled === undefined) return [];
  const lines: string[] = [];
  const f = (v: number) => v.toFixed(2);
  const limitMs = limit ? stepFlops / (limit.gflops * 1e6) : undefined;
  if (limit && limitMs !== undefined) {
    lines.push(
      `${limit.source}: ${limit.gflops.toFixed(0)} GFLOP/s at ${limit.n}³ → step limit ${f(limitMs)} ms (${(stepFlops / 1e9).toFixed(2)} GFLOP/step)`,
    );
  }
  const torch = ms.get('torch-cpu');
  const eager = ms.get('backprop-onnx-eager');
  lines.push(
    check(
      'onnx compiled ÷ PyTorch cpu (2 threads)',
      torch === undefined ? undefined : compiled / torch,
      ONNX_TARGETS.vsTorch,
      torch === undefined ? 'torch-cpu not run' : `(${f(compiled)} vs ${f(torch)} ms)`,
    ),
    check(
      'onnx compiled ÷ ORT matmul limit',
      limitMs === undefined ? undefined : compiled / limitMs,
      ONNX_TARGETS.vsMatmulLimit,
      limitMs === undefined ? 'no limit' : `(${f(compiled)} vs ${f(limitMs)} ms)`,
    ),
    check(
      'onnx eager ÷ compiled',
      eager === undefined ? undefined : eager / compiled,
      ONNX_TARGETS.eagerVsCompiled,
      eager === undefined ? 'backprop-onnx-eager not run' : `(${f(eager)} vs ${f(compiled)} ms)`,
    ),
  );
  return lines;
}
