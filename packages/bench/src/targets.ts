/**
 * The targets, as data: each one is a ratio of two measured quantities with a bound. A run
 * collects its measurements into one flat record (`Measures`) and {@link evaluateTargets}, a
 * pure function, turns them into met / not met / not measured.
 */
import { FAMILIES } from './peers.js';

/**
 * Measurements by key: `step-ms:<system>`, `step-flops`, `matmul-gflops:<system>:<n>`,
 * `floor-gflops:<system>` (the matmul rate that bounds the system's step, timed in the step's
 * rounds: ONNX Runtime's one-node MatMul for backend-onnx, its own 1024³ matmul for backend-cpu),
 * `update-ms:<system>:<optimizer>`, `memory-peak:<system>`, `memory-estimate:<system>`.
 */
export type Measures = Readonly<Record<string, number | undefined>>;

/** A quantity a target compares: one measurement, the best (smallest) of several, or a matmul floor. */
export type Quantity =
  /** One measurement. */
  | { key: string }
  /** The smallest of these measurements that are present (a library at its best thread count). */
  | { best: readonly string[] }
  /** A time floor in ms: `flops` ÷ (`gflops` GFLOP/s), both measurement keys. */
  | { floor: { flops: string; gflops: string } };

/** One target: `value ÷ over` at most `atMost`, or at least `atLeast`. */
export interface Target {
  id: string;
  /** "backend-cpu", "backend-onnx", "optimizers", "memory". */
  area: string;
  /** What is promised, in words. */
  text: string;
  value: Quantity;
  over: Quantity;
  atMost?: number;
  atLeast?: number;
  /** How the two quantities print (default ms). */
  unit?: 'ms' | 'bytes';
  /**
   * Ratios printed beside the result, for reading it (not part of met / not met): what this
   * machine allowed in the same run, e.g. how much PyTorch's own matmul gained from a second thread.
   */
  context?: readonly { label: string; value: Quantity; over: Quantity }[];
}

/** The optimizers whose update has a target against PyTorch. */
export const TARGET_OPTIMIZERS = ['SGD', 'SGD momentum', 'Adam', 'AdamW', 'RMSprop', 'Adagrad'] as const;

const stepOf = (ids: readonly string[]): Quantity => ({ best: ids.map((id) => `step-ms:${id}`) });
const torchStep = stepOf(FAMILIES.pytorch.systems);
const floorOf = (gflops: string): Quantity => ({ floor: { flops: 'step-flops', gflops } });

/** Every target, in print order. */
export const TARGETS: readonly Target[] = [
  {
    id: 'onnx-vs-pytorch',
    area: 'backend-onnx',
    text: 'MLP step (compiled, best thread count) ≤ 1.3× PyTorch at its best thread count',
    value: stepOf(FAMILIES.backpropOnnx.systems),
    over: torchStep,
    atMost: 1.3,
  },
  ...(['backprop-onnx', 'backprop-onnx-1t'] as const).map(
    (id): Target => ({
      id: `onnx-vs-floor:${id}`,
      area: 'backend-onnx',
      text: `MLP step (compiled, ${id.endsWith('-1t') ? '1 thread' : '2 threads'}) ≤ 1.5× ONNX Runtime's own MatMul floor at the same threads`,
      value: { key: `step-ms:${id}` },
      over: floorOf(`floor-gflops:${id}`),
      atMost: 1.5,
    }),
  ),
  {
    id: 'onnx-eager-vs-compiled',
    area: 'backend-onnx',
    text: 'eager MLP step ≤ 3× the compiled one (2 threads)',
    value: { key: 'step-ms:backprop-onnx-eager' },
    over: { key: 'step-ms:backprop-onnx' },
    atMost: 3,
  },
  ...(['backprop-cpu', 'backprop-cpu-1t'] as const).map(
    (id): Target => ({
      id: `cpu-vs-floor:${id}`,
      area: 'backend-cpu',
      text: `MLP step (${id.endsWith('-1t') ? '1 thread' : 'default threads'}) ≤ 1.3× its own matmul floor (step FLOPs ÷ its 1024³ GFLOP/s, same threads, same rounds)`,
      value: { key: `step-ms:${id}` },
      over: floorOf(`floor-gflops:${id}`),
      atMost: 1.3,
    }),
  ),
  {
    id: 'cpu-vs-pytorch',
    area: 'backend-cpu',
    text: 'MLP step (best thread count) ≤ 3× PyTorch at its best thread count',
    value: stepOf(FAMILIES.backpropCpu.systems),
    over: torchStep,
    atMost: 3,
  },
  {
    id: 'cpu-threads',
    area: 'backend-cpu',
    text: 'MLP step with 2 threads ≥ 1.5× faster than with 1 (1-thread time ÷ 2-thread time)',
    value: { key: 'step-ms:backprop-cpu-1t' },
    over: { key: 'step-ms:backprop-cpu' },
    atLeast: 1.5,
    context: [
      {
        // On a VM whose two vCPUs share one physical core, nothing gains from the second.
        label: "PyTorch's 1024³ matmul, 2 threads ÷ 1 thread",
        value: { key: 'matmul-gflops:torch-cpu-2t:1024' },
        over: { key: 'matmul-gflops:torch-cpu-1t:1024' },
      },
      {
        // Timed in the step's rounds, beside the steps this target divides.
        label: "backend-cpu's 1024³ matmul, 2 threads ÷ 1 thread",
        value: { key: 'floor-gflops:backprop-cpu' },
        over: { key: 'floor-gflops:backprop-cpu-1t' },
      },
    ],
  },
  {
    id: 'cpu-vs-tfjs-cpu',
    area: 'backend-cpu',
    text: 'MLP step ≥ 3× faster than tfjs-backend-cpu (tfjs time ÷ ours)',
    value: { key: 'step-ms:tfjs-cpu' },
    over: { key: 'step-ms:backprop-cpu' },
    atLeast: 3,
  },
  ...TARGET_OPTIMIZERS.map(
    (name): Target => ({
      id: `update:${name}`,
      area: 'optimizers',
      text: `${name} update over 10M parameters on backend-cpu (best thread count) ≤ 2× PyTorch's (best thread count)`,
      value: { best: FAMILIES.backpropCpu.systems.map((id) => `update-ms:${id}:${name}`) },
      over: { best: FAMILIES.pytorch.systems.map((id) => `update-ms:${id}:${name}`) },
      atMost: 2,
    }),
  ),
  ...(['backprop-cpu', 'backprop-onnx'] as const).map(
    (id): Target => ({
      id: `memory:${id}`,
      area: 'memory',
      text: `peak memory of one MLP step on ${id === 'backprop-cpu' ? 'backend-cpu' : 'backend-onnx'} ≤ 1.3× the summary() estimate`,
      value: { key: `memory-peak:${id}` },
      over: { key: `memory-estimate:${id}` },
      atMost: 1.3,
      unit: 'bytes',
    }),
  ),
];

/** A resolved quantity, or the measurement keys it lacked. */
type Resolved = { value: number; from: string } | { missing: string[] };

/** Resolves `q` against `m`. */
export function resolveQuantity(q: Quantity, m: Measures): Resolved {
  const present = (k: string) => m[k] !== undefined && Number.isFinite(m[k]);
  if ('key' in q) return present(q.key) ? { value: m[q.key] as number, from: q.key } : { missing: [q.key] };
  if ('best' in q) {
    const found = q.best.filter(present);
    if (found.length === 0) return { missing: [...q.best] };
    const key = found.reduce((a, b) => ((m[b] as number) < (m[a] as number) ? b : a));
    return { value: m[key] as number, from: key };
  }
  const { flops, gflops } = q.floor;
  const missing = [flops, gflops].filter((k) => !present(k) || !((m[k] as number) > 0));
  if (missing.length) return { missing };
  return { value: (m[flops] as number) / ((m[gflops] as number) * 1e6), from: `floor(${gflops})` };
}

/** One target's outcome. */
export interface TargetResult {
  id: string;
  area: string;
  text: string;
  status: 'met' | 'not met' | 'not measured';
  /** value ÷ over, when both were measured. */
  ratio?: number;
  value?: number;
  over?: number;
  /** The bound, as "≤ 1.3×" or "≥ 1.5×". */
  bound: string;
  /** The numbers (or what was missing), in words. */
  detail: string;
}

const system = (from: string) => from.replace(/^[a-z-]+:/, '').replace(/^floor\(([a-z-]+):(.*)\)$/, 'floor of $2');
const show = (v: number, unit: Target['unit']) =>
  unit === 'bytes' ? `${(v / 1e6).toFixed(2)} MB` : `${v.toFixed(2)} ms`;

/** Evaluates every target on the measurements: pure, no I/O. */
export function evaluateTargets(measures: Measures, targets: readonly Target[] = TARGETS): TargetResult[] {
  return targets.map((t) => {
    const bound = t.atMost !== undefined ? `≤ ${t.atMost}×` : `≥ ${t.atLeast}×`;
    const base = { id: t.id, area: t.area, text: t.text, bound };
    const a = resolveQuantity(t.value, measures);
    const b = resolveQuantity(t.over, measures);
    if ('missing' in a || 'missing' in b) {
      const missing = [...('missing' in a ? a.missing : []), ...('missing' in b ? b.missing : [])];
      return { ...base, status: 'not measured', detail: `missing ${missing.join(', ')}` };
    }
    const ratio = a.value / b.value;
    const ok = t.atMost !== undefined ? ratio <= t.atMost : ratio >= (t.atLeast as number);
    const context = (t.context ?? []).flatMap(({ label, value, over }) => {
      const [c, d] = [resolveQuantity(value, measures), resolveQuantity(over, measures)];
      return 'missing' in c || 'missing' in d ? [] : [`; ${label}: ${(c.value / d.value).toFixed(2)}×`];
    });
    return {
      ...base,
      status: ok ? 'met' : 'not met',
      ratio,
      value: a.value,
      over: b.value,
      detail: `${show(a.value, t.unit)} (${system(a.from)}) vs ${show(b.value, t.unit)} (${system(b.from)})${context.join('')}`,
    };
  });
}

/** One line counting the results, e.g. "12 of 17 targets met (5 not met, 0 not measured)". */
export function targetTally(results: readonly TargetResult[]): string {
  const count = (status: TargetResult['status']) => results.filter((r) => r.status === status).length;
  return `${count('met')} of ${results.length} targets met (${count('not met')} not met, ${count('not measured')} not measured)`;
}

/** The results as table rows: area, target, ratio, numbers, met / not met / not measured. */
export function targetRows(results: readonly TargetResult[]): string[][] {
  return results.map((r) => [
    r.area,
    r.text,
    r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`,
    r.detail,
    r.status,
  ]);
}
