/**
 * The fused optimizer updates (`sgdUpdate`, `adamUpdate`, `rmspropUpdate`) as a few ONNX nodes
 * per output: for Adam one bias-correction chain on the scalar step in float64, then
 * shared-shape elementwise nodes.
 */
import type { AdamUpdateAttrs, RmspropUpdateAttrs, SgdUpdateAttrs } from '@backprop/core';
import type { GraphBuilder } from './builder.js';
import type { Lowering } from './lowering.js';

/**
 * Which output of a multi-output kernel a node computes: each output is its own node here
 * (the lazy graph and compiled graphs hold one value per node); the nodes the outputs share
 * (m′, v′) are identical, and ONNX Runtime's common-subexpression elimination merges them.
 */
type Which = { output?: number };

const FLOAT = { to: { i: 1 } };
const mulBy = (b: GraphBuilder, x: string, c: number) => b.op('Mul', [x, b.scalar(c, 'float32')]);
/** β·a + (1 − β)·c. */
const ema = (b: GraphBuilder, a: string, c: string, beta: number) =>
  b.op('Add', [mulBy(b, a, beta), mulBy(b, c, 1 - beta)]);

/**
 * PyTorch's Adam / AdamW / AMSGrad. Inputs [θ, g, m, v,
 * t (int32 scalar), v̄?, γ]. The scalars come from t and γ in float64 (1 − βᵗ = 1 − Pow(β, t)): with
 * a = γ√bc₂/bc₁ and e = ε√bc₂, θ′ = θ − a·m′/(√v̄ + e), which equals PyTorch's
 * θ − (γ/bc₁)·m′/(√v̄/√bc₂ + ε) up to float32 rounding.
 */
const adamUpdate: Lowering = (b, inputs, attrs: AdamUpdateAttrs & Which) => {
  const [p, g, m, v, t, vMax] = inputs.slice(0, -1);
  const lr = inputs[inputs.length - 1].name;
  const { beta1, beta2, eps, weightDecay, decoupled, amsgrad, output = 0 } = attrs;
  const grad = !decoupled && weightDecay !== 0 ? b.op('Add', [g.name, mulBy(b, p.name, weightDecay)]) : g.name;
  const m2 = ema(b, m.name, grad, beta1);
  if (output === 1) return m2;
  const v2 = ema(b, v.name, b.op('Mul', [grad, grad]), beta2);
  if (output === 2) return v2;
  const vBar = amsgrad ? b.op('Max', [vMax.name, v2]) : v2;
  if (output === 3) return vBar;
  const td = b.op('Cast', [t.name], { to: { i: 11 } });
  const bc = (beta: number) => b.op('Sub', [b.double(1), b.op('Pow', [b.double(beta), td])]);
  const bc1 = bc(beta1);
  const bc2 = bc(beta2);
  const lrD = b.op('Cast', [lr], { to: { i: 11 } });
  const theta =
    decoupled && weightDecay !== 0
      ? b.op('Mul', [
          p.name,
          b.op('Cast', [b.op('Sub', [b.double(1), b.op('Mul', [lrD, b.double(weightDecay)])])], FLOAT),
        ])
      : p.name;
  const rootBc2 = b.op('Sqrt', [bc2]);
  const a = b.op('Cast', [b.op('Div', [b.op('Mul', [lrD, rootBc2]), bc1])], FLOAT);
  const e = b.op('Cast', [b.op('Mul', [b.double(eps), rootBc2])], FLOAT);
  const step = b.op('Div', [b.op('Mul', [m2, a]), b.op('Add', [b.op('Sqrt', [vBar]), e])]);
  return b.op('Sub', [theta, step]);
};

/**
 * PyTorch's SGD: g ← g + λθ; b′ = g on the first step, else μb + (1 − τ)g; d = g + μb′
 * (Nesterov) or b′; θ′ = θ − γd. Inputs [θ, g, b?, γ] → outputs [θ′, b′ (momentum > 0)].
 */
const sgdUpdate: Lowering = (b, inputs, attrs: SgdUpdateAttrs & Which) => {
  const [p, g, buf] = inputs.slice(0, -1);
  const lr = inputs[inputs.length - 1].name;
  const { momentum, dampening, nesterov, weightDecay, firstStep, output = 0 } = attrs;
  let d = weightDecay !== 0 ? b.op('Add', [g.name, mulBy(b, p.name, weightDecay)]) : g.name;
  if (momentum > 0) {
    const b2 = firstStep ? d : b.op('Add', [mulBy(b, buf.name, momentum), mulBy(b, d, 1 - dampening)]);
    if (output === 1) return firstStep ? b.op('Identity', [b2]) : b2;
    d = nesterov ? b.op('Add', [d, mulBy(b, b2, momentum)]) : b2;
  }
  return b.op('Sub', [p.name, b.op('Mul', [d, lr])]);
};

/**
 * PyTorch's RMSprop and Adagrad: g ← g + λθ; v′ = decay·v + scale·g²; ḡ′ = decay·ḡ + scale·g
 * (centered); d = √(v′ − ḡ′²) + ε or √v′ + ε; b′ = μb + g/d (momentum) and θ′ = θ − γb′, else
 * θ′ = θ − γ·g/d. Inputs [θ, g, v, ḡ?, b?, γ] → outputs [θ′, v′, ḡ′?, b′?].
 */
const rmspropUpdate: Lowering = (b, inputs, attrs: RmspropUpdateAttrs & Which) => {
  const [p, g, v, ...rest] = inputs.slice(0, -1);
  const lr = inputs[inputs.length - 1].name;
  const { decay, scale, eps, weightDecay, momentum, centered, output = 0 } = attrs;
  const gAvg = centered ? rest.shift() : undefined;
  const buf = momentum > 0 ? rest.shift() : undefined;
  const grad = weightDecay !== 0 ? b.op('Add', [g.name, mulBy(b, p.name, weightDecay)]) : g.name;
  /** decay·a + scale·c (Adagrad's 1·a + 1·c is one Add). */
  const accumulate = (a: string, c: string) =>
    decay === 1 && scale === 1 ? b.op('Add', [a, c]) : b.op('Add', [mulBy(b, a, decay), mulBy(b, c, scale)]);
  const v2 = accumulate(v.name, b.op('Mul', [grad, grad]));
  if (output === 1) return v2;
  const gAvg2 = gAvg ? accumulate(gAvg.name, grad) : undefined;
  if (gAvg2 && output === 2) return gAvg2;
  const root = b.op('Sqrt', [gAvg2 ? b.op('Sub', [v2, b.op('Mul', [gAvg2, gAvg2])]) : v2]);
  const step = b.op('Div', [grad, b.op('Add', [root, b.scalar(eps, 'float32')])]);
  const buf2 = buf ? b.op('Add', [mulBy(b, buf.name, momentum), step]) : undefined;
  if (buf2 && output === (gAvg2 ? 3 : 2)) return buf2;
  return b.op('Sub', [p.name, b.op('Mul', [buf2 ?? step, lr])]);
};

/** Fused optimizer-update lowerings by kernel name (one node per output: `attrs.output`). */
export const updates: Record<string, Lowering> = { adamUpdate, sgdUpdate, rmspropUpdate };
