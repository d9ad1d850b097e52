/**
 * Peers at their best: each library is compared at the configuration (thread count) that is
 * fastest in the same run, so a ratio never flatters us by pitting us against a peer's bad setting.
 */

/** A library and the system ids of its configurations (one per thread count). */
export interface PeerFamily {
  /** Column heading part: "PyTorch". */
  label: string;
  systems: readonly string[];
}

/** The families ratios are taken against (each at its best row) and that targets use. */
export const FAMILIES = {
  pytorch: { label: 'PyTorch', systems: ['torch-cpu-1t', 'torch-cpu-2t'] },
  backpropCpu: { label: 'backend-cpu', systems: ['backprop-cpu', 'backprop-cpu-1t'] },
  backpropOnnx: { label: 'backend-onnx compiled', systems: ['backprop-onnx', 'backprop-onnx-1t'] },
} as const satisfies Record<string, PeerFamily>;

/** The best (smallest) value among `ids` that have a finite value, and whose it is; undefined when none has one. */
export function bestOf(
  values: Readonly<Record<string, number | null | undefined>>,
  ids: readonly string[],
): { system: string; value: number } | undefined {
  let best: { system: string; value: number } | undefined;
  for (const system of ids) {
    const value = values[system];
    if (value === null || value === undefined || !Number.isFinite(value)) continue;
    if (!best || value < best.value) best = { system, value };
  }
  return best;
}

/** `value ÷ best` of the family (times: above 1, the family's best is that many times faster); undefined when either is missing. */
export function ratioToBest(
  value: number | null | undefined,
  values: Readonly<Record<string, number | null | undefined>>,
  family: PeerFamily,
): number | undefined {
  const best = bestOf(values, family.systems);
  if (value === null || value === undefined || !best || !(best.value > 0)) return undefined;
  return value / best.value;
}
