/**
 * The fused optimizer updates (`sgdUpdate`, `adamUpdate`, `rmspropUpdate`) as ONNX nodes: core's
 * fused update rules on graph values, and for Adam one bias-correction chain on the scalar step
 * in float64 (core's `adamStepCoefficients` as nodes).
 */
import {
  type AdamCoefficients,
  type AdamUpdateAttrs,
  adamUpdateRule,
  type RmspropUpdateAttrs,
  rmspropUpdateRule,
  type SgdUpdateAttrs,
  sgdUpdateRule,
  type UpdateMath,
} from '@backprop/core';
import type { GraphBuilder } from './builder.js';
import { reshapeTo } from './layout.js';
import type { Lowering } from './lowering.js';

/** Float32 arithmetic as ONNX nodes of `b`: values are value names. */
function graphMath(b: GraphBuilder): UpdateMath<string> {
  const op = (name: string) => (x: string, y: string) => b.op(name, [x, y]);
  return {
    add: op('Add'),
    sub: op('Sub'),
    mul: op('Mul'),
    div: op('Div'),
    max: op('Max'),
    sqrt: (x) => b.op('Sqrt', [x]),
    constant: (c) => b.scalar(c, 'float32'),
    identity: (x) => b.op('Identity', [x]),
  };
}

/**
 * Which output of a multi-output kernel a node computes: each output is its own node here
 * (the lazy graph and compiled graphs hold one value per node); the nodes the outputs share
 * (m′, v′) are identical, and ONNX Runtime's common-subexpression elimination merges them.
 * `coefficient` instead asks for one of Adam's float32 coefficients (0: a, 1: e, 2: the decay
 * factor) from inputs [t, γ], or [t₁, …, tₙ, γ] for a vector of n (one per parameter of the
 * same attributes): an update written in place on the host reads them from the run.
 */
type Which = { output?: number; coefficient?: number };

const FLOAT = { to: { i: 1 } };
const DOUBLE = { to: { i: 11 } };

/**
 * Adam's scalars from the int32 step t (a scalar, or a vector giving one coefficient per
 * element) and γ, in float64 (1 − βᵗ = 1 − Pow(β, t)) and then rounded to float32:
 * a = γ√bc₂/bc₁ and e = ε√bc₂ (so θ − a·m′/(√v̄ + e) equals PyTorch's θ − (γ/bc₁)·m′/(√v̄/√bc₂ + ε)
 * up to float32 rounding), and AdamW's decay factor 1 − γλ.
 */
export function adamCoefficients(
  b: GraphBuilder,
  t: string,
  lr: string,
  { beta1, beta2, eps, weightDecay, decoupled }: AdamUpdateAttrs,
): AdamCoefficients<string> {
  const td = b.op('Cast', [t], DOUBLE);
  const bc = (beta: number) => b.op('Sub', [b.double(1), b.op('Pow', [b.double(beta), td])]);
  const bc1 = bc(beta1);
  const rootBc2 = b.op('Sqrt', [bc(beta2)]);
  const lrD = b.op('Cast', [lr], DOUBLE);
  return {
    a: b.op('Cast', [b.op('Div', [b.op('Mul', [lrD, rootBc2]), bc1])], FLOAT),
    e: b.op('Cast', [b.op('Mul', [b.double(eps), rootBc2])], FLOAT),
    decay:
      decoupled && weightDecay !== 0
        ? b.op('Cast', [b.op('Sub', [b.double(1), b.op('Mul', [lrD, b.double(weightDecay)])])], FLOAT)
        : undefined,
  };
}

/** PyTorch's Adam / AdamW / AMSGrad. Inputs [θ, g, m, v, t (int32 scalar), v̄?, γ]. */
const adamUpdate: Lowering = (b, inputs, attrs: AdamUpdateAttrs & Which) => {
  const lr = inputs[inputs.length - 1].name;
  if (attrs.coefficient !== undefined) {
    const steps = inputs.slice(0, -1).map((x) => x.name);
    const t =
      steps.length === 1
        ? steps[0]
        : b.op(
            'Concat',
            steps.map((s) => reshapeTo(b, s, [1])),
            { axis: { i: 0 } },
          );
    const c = adamCoefficients(b, t, lr, attrs);
    const value = [c.a, c.e, c.decay][attrs.coefficient];
    if (value === undefined) throw new RangeError(`adamUpdate: no coefficient ${attrs.coefficient}`);
    return value;
  }
  const [p, g, m, v, t, vMax] = inputs.slice(0, -1).map((x) => x.name);
  const rule = adamUpdateRule(graphMath(b), [p, g, m, v, vMax], () => adamCoefficients(b, t, lr, attrs), attrs);
  return rule(attrs.output ?? 0);
};

/** PyTorch's SGD. Inputs [θ, g, b?, γ] → outputs [θ′, b′ (momentum > 0)]. */
const sgdUpdate: Lowering = (b, inputs, attrs: SgdUpdateAttrs & Which) => {
  const names = inputs.map((x) => x.name);
  return sgdUpdateRule(graphMath(b), names.slice(0, -1), names[names.length - 1], attrs)(attrs.output ?? 0);
};

/** PyTorch's RMSprop and Adagrad. Inputs [θ, g, v, ḡ?, b?, γ] → outputs [θ′, v′, ḡ′?, b′?]. */
const rmspropUpdate: Lowering = (b, inputs, attrs: RmspropUpdateAttrs & Which) => {
  const names = inputs.map((x) => x.name);
  return rmspropUpdateRule(graphMath(b), names.slice(0, -1), names[names.length - 1], attrs)(attrs.output ?? 0);
};

/** Fused optimizer-update lowerings by kernel name (one node per output: `attrs.output`). */
export const updates: Record<string, Lowering> = { adamUpdate, sgdUpdate, rmspropUpdate };
