// Generates assembly/updates.ts — the SIMD optimizer steps (sgdStep, adamStep, rmspropStep) — from core's fused update
// rules (`updateKernelRule`, packages/core/src/kernels/fused-update-rules.ts), so the formulas have one home: each rule
// is evaluated once per variant (weight decay or not, momentum, Nesterov, first step; coupled or decoupled decay,
// AMSGrad; centered, momentum, Adagrad's form) over an arithmetic that writes AssemblyScript f32x4 operations instead of
// computing, and every constant the rule names is read from the kernel's argument block at run time. scripts/build-wasm.mjs
// writes the file before it compiles; test/wasm-build.test.ts checks the committed file is what this generates.
import { updateKernelRule } from '@backprop/core';

/**
 * The kernels' argument blocks (float64 slots; pointers are byte offsets, 0 = absent; flags 0 = false): where each
 * input and output array is, where γ and Adam's coefficients are, and the float64 expression of each constant a rule
 * names (rounded to float32 once).
 */
const KERNELS = {
  sgd: {
    rule: 'sgdUpdate',
    doc: "PyTorch's SGD (g ← g + θλ; b′ = g on the first step, else bμ + g(1 − τ); θ′ = θ − (g + b′μ)γ (Nesterov), θ − b′γ or θ − gγ)",
    slots:
      '0 p, 1 g, 2 buf (0 = absent), 3 p2, 4 b2, 5 lr, 6 momentum, 7 dampening, 8 weightDecay, 9 nesterov, 10 firstStep',
    inputs: [0, 1, 2],
    outputs: [3, 4],
    values: { lr: 'K.arg(args, 5)' },
    constants: { weightDecay: 'K.arg(args, 8)', momentum: 'K.arg(args, 6)', '1 - dampening': '1.0 - K.arg(args, 7)' },
  },
  adam: {
    rule: 'adamUpdate',
    doc: "PyTorch's Adam / AdamW / AMSGrad (m′ = mβ₁ + g(1 − β₁), v′ = vβ₂ + g²(1 − β₂), θ′ = θ − m′a/(√v̄′ + e))",
    slots:
      '0 p, 1 g, 2 m, 3 v, 4 vMax (amsgrad only), 5 p2, 6 m2, 7 v2, 8 vMax2 (amsgrad only), 9 beta1, 10 beta2, ' +
      '11 e = ε√bc₂, 12 a = γ√bc₂/bc₁ (bc₁ = 1 − β₁ᵗ, bc₂ = 1 − β₂ᵗ), 13 decay (1 − γλ when decoupled, else 1), ' +
      '14 coupled (λ when coupled, else 0), 15 amsgrad',
    // [θ, g, m, v, t (not an array: read by the coefficients), v̄]
    inputs: [0, 1, 2, 3, null, 4],
    outputs: [5, 6, 7, 8],
    values: { a: 'K.arg(args, 12)', e: 'K.arg(args, 11)', decay: 'K.arg(args, 13)' },
    constants: {
      beta1: 'K.arg(args, 9)',
      '1 - beta1': '1.0 - K.arg(args, 9)',
      beta2: 'K.arg(args, 10)',
      '1 - beta2': '1.0 - K.arg(args, 10)',
      weightDecay: 'K.arg(args, 14)',
    },
  },
  rmsprop: {
    rule: 'rmspropUpdate',
    doc: "PyTorch's RMSprop and Adagrad (v′ = v·decay + g²·scale; θ′ = θ − γ·g/(√v′ + ε), centered and with momentum)",
    slots:
      '0 p, 1 g, 2 v, 3 gAvg (centered only), 4 buf (momentum > 0 only), 5 p2, 6 v2, 7 gAvg2 (centered only), ' +
      '8 buf2 (momentum > 0 only), 9 lr, 10 decay, 11 scale, 12 eps, 13 weightDecay, 14 momentum, 15 centered',
    inputs: [0, 1, 2, 3, 4],
    outputs: [5, 6, 7, 8],
    values: { lr: 'K.arg(args, 9)' },
    constants: {
      weightDecay: 'K.arg(args, 13)',
      decay: 'K.arg(args, 10)',
      scale: 'K.arg(args, 11)',
      eps: 'K.arg(args, 12)',
      momentum: 'K.arg(args, 14)',
    },
  },
};

/** Float32 arithmetic as AssemblyScript: each operation one `const` of f32x4 lanes; constants hoisted by name. */
class LaneMath {
  constructor(kernel) {
    this.kernel = kernel;
    this.lines = [];
    this.hoisted = new Map();
    this.next = 0;
  }
  value(expression) {
    const name = `v${this.next++}`;
    this.lines.push(`const ${name} = ${expression};`);
    return name;
  }
  hoist(name, expression) {
    const operand = /^[\w.]+\([^()]*\)$/.test(expression) ? expression : `(${expression})`;
    if (!this.hoisted.has(name)) this.hoisted.set(name, `const ${name} = f32x4.splat(<f32>${operand});`);
    return name;
  }
  add = (a, b) => this.value(`f32x4.add(${a}, ${b})`);
  sub = (a, b) => this.value(`f32x4.sub(${a}, ${b})`);
  mul = (a, b) => this.value(`f32x4.mul(${a}, ${b})`);
  div = (a, b) => this.value(`f32x4.div(${a}, ${b})`);
  max = (a, b) => this.value(`f32x4.max(${a}, ${b})`);
  sqrt = (a) => this.value(`f32x4.sqrt(${a})`);
  identity = (a) => a;
  constant = (_c, name) => {
    const expression = this.kernel.constants[name];
    if (expression === undefined)
      throw new Error(`update-kernels: a ${this.kernel.rule} rule constant named ${String(name)} has no argument slot`);
    return this.hoist(`k_${name.replace(' - ', '_minus_')}`, expression);
  };
  /** γ or one of Adam's coefficients, by name. */
  named = (name) => this.hoist(name, this.kernel.values[name]);
}

/**
 * Copies of the rule per iteration of a kernel's main loop (four lanes each). SGD's steps, which are a few loads and
 * two operations per element, run 4–5 % faster with four copies (10M parameters on one thread, `node
 * scripts/unroll-ab.mjs 10`: 1.97 against 2.08 ms, faster in 9 of 10 interleaved rounds); Adam and RMSprop, bound by
 * their square root and division, gained nothing from two copies (the same script with 2 for them here: 5.47 against
 * 5.47 ms and 5.47 against 5.41), so they keep one.
 */
export const UNROLL = Object.freeze({ sgd: 4, adam: 1, rmsprop: 1 });

/** One variant: the range function `fn` for attributes `attrs`, with the inputs and outputs it has. */
function variant(kernelName, fn, label, attrs, { inputs, outputs }, unroll) {
  const kernel = KERNELS[kernelName];
  // `copies` four-lane copies of the rule at byte offsets 0, 16, …, or one element (`one`); every copy's inputs are
  // loaded before any output is stored, so an output that is its own input still reads its old values.
  const body = (copies, one) => {
    const M = new LaneMath(kernel);
    const load = (k, offset) => (one ? `K.ld(x${k} + o, true)` : `v128.load(x${k} + o, ${offset})`);
    const store = (k, value, offset) =>
      one ? `K.st(y${k} + o, ${value}, true);` : `v128.store(y${k} + o, ${value}, ${offset});`;
    const stores = [];
    const lr = 'lr' in kernel.values ? M.named('lr') : '0';
    const coefficients =
      kernelName === 'adam' ? ['a', 'e', ...(attrs.decoupled && attrs.weightDecay !== 0 ? ['decay'] : [])] : [];
    for (let c = 0; c < copies; c++) {
      const offset = 16 * c;
      const xs = kernel.inputs.map((slot, k) =>
        slot === null || !inputs.includes(k) ? '0' : M.value(load(k, offset)),
      );
      const present = xs.filter((_, k) => kernel.inputs[k] !== null && inputs.includes(k));
      const rule = updateKernelRule(
        M,
        kernel.rule,
        attrs,
        kernelName === 'adam' || kernelName === 'sgd' ? xs : present,
        lr,
        coefficients.map((name) => M.named(name)),
      );
      stores.push(...outputs.map((k, i) => store(k, rule(i), offset)));
    }
    return { M, lines: [...M.lines, ...stores] };
  };
  const unrolled = body(unroll, false);
  const vector = unroll > 1 ? body(1, false) : unrolled;
  const scalar = body(1, true);
  const pointers = [
    ...inputs.map((k) => `const x${k} = K.ptr(args, ${kernel.inputs[k]});`),
    ...outputs.map((k) => `const y${k} = K.ptr(args, ${kernel.outputs[k]});`),
  ];
  const indent = (lines, n) => lines.map((l) => `${' '.repeat(n)}${l}`).join('\n');
  return `/** ${label}. */
function ${fn}(args: usize, i0: i32, i1: i32): void {
${indent([...pointers, ...unrolled.M.hoisted.values()], 2)}
  let o: usize = (<usize>i0) << 2;
${unroll > 1 ? `  const endUnrolled = o + ((<usize>((i1 - i0) & ~${4 * unroll - 1})) << 2);\n` : ''}  const end4 = o + ((<usize>((i1 - i0) & ~3)) << 2);
  const end = (<usize>i1) << 2;
${unroll > 1 ? `  for (; o < endUnrolled; o += ${16 * unroll}) {\n${indent(unrolled.lines, 4)}\n  }\n` : ''}  for (; o < end4; o += 16) {
${indent(vector.lines, 4)}
  }
  for (; o < end; o += 4) {
${indent(scalar.lines, 4)}
  }
}
`;
}

const on = (b) => (b ? 1 : 0);

/** SGD's variants: weight decay × (no momentum | momentum × Nesterov × first step). */
function sgdVariants() {
  const out = [];
  for (const wd of [false, true]) {
    const base = { dampening: 0.1, weightDecay: wd ? 0.01 : 0, nesterov: false, firstStep: false };
    out.push({
      fn: `sgd_wd${on(wd)}`,
      label: `SGD${wd ? ', weight decay' : ''}`,
      attrs: { ...base, momentum: 0 },
      io: { inputs: [0, 1], outputs: [0] },
    });
    for (const nesterov of [false, true])
      for (const first of [false, true])
        out.push({
          fn: `sgd_wd${on(wd)}_momentum_nesterov${on(nesterov)}_first${on(first)}`,
          label: `SGD with momentum${nesterov ? ' (Nesterov)' : ''}${first ? ', first step' : ''}${wd ? ', weight decay' : ''}`,
          attrs: { ...base, momentum: 0.9, nesterov, firstStep: first },
          io: { inputs: first ? [0, 1] : [0, 1, 2], outputs: [0, 1] },
        });
  }
  return out;
}

/** Adam's variants: no decay, coupled (Adam's L2) or decoupled (AdamW) × AMSGrad. */
function adamVariants() {
  const out = [];
  for (const decay of ['none', 'coupled', 'decoupled'])
    for (const ams of [false, true])
      out.push({
        fn: `adam_${decay}_amsgrad${on(ams)}`,
        label: `Adam, ${decay === 'none' ? 'no weight decay' : `${decay} weight decay`}${ams ? ', AMSGrad' : ''}`,
        attrs: {
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          weightDecay: decay === 'none' ? 0 : 0.01,
          decoupled: decay === 'decoupled',
          amsgrad: ams,
        },
        io: { inputs: ams ? [0, 1, 2, 3, 5] : [0, 1, 2, 3], outputs: ams ? [0, 1, 2, 3] : [0, 1, 2] },
      });
  return out;
}

/** RMSprop's variants: Adagrad's form (decay = scale = 1) × weight decay × centered × momentum. */
function rmspropVariants() {
  const out = [];
  for (const adagrad of [false, true])
    for (const wd of [false, true])
      for (const centered of [false, true])
        for (const mom of [false, true]) {
          const inputs = [0, 1, 2, ...(centered ? [3] : []), ...(mom ? [4] : [])];
          const outputs = [0, 1, ...(centered ? [2] : []), ...(mom ? [3] : [])];
          out.push({
            fn: `rmsprop_adagrad${on(adagrad)}_wd${on(wd)}_centered${on(centered)}_momentum${on(mom)}`,
            label: `${adagrad ? 'Adagrad' : 'RMSprop'}${wd ? ', weight decay' : ''}${centered ? ', centered' : ''}${mom ? ', momentum' : ''}`,
            attrs: {
              decay: adagrad ? 1 : 0.99,
              scale: adagrad ? 1 : 0.01,
              eps: 1e-8,
              weightDecay: wd ? 0.01 : 0,
              momentum: mom ? 0.9 : 0,
              centered,
            },
            io: { inputs, outputs },
          });
        }
  return out;
}

/** A switch calling variant `v` of `variants` (in list order). */
const cases = (variants) =>
  variants.map((r, i) => `    case ${i}:\n      ${r.fn}(args, i0, i1);\n      break;`).join('\n');

/** The exported kernels: each reads its flags from the argument block and runs its variant. */
const dispatch = () => `
/**
 * ${KERNELS.sgd.doc} on elements [i0, i1). Argument block: ${KERNELS.sgd.slots}.
 */
export function sgdStep(args: usize, i0: i32, i1: i32): void {
  if (i1 <= i0) return;
  const wd = K.arg(args, 8) !== 0;
  const momentum = K.arg(args, 6) > 0;
  const nesterov = K.arg(args, 9) !== 0;
  const first = K.arg(args, 10) !== 0 || K.ptr(args, 2) === 0;
  const v = (wd ? 5 : 0) + (momentum ? 1 + (nesterov ? 2 : 0) + (first ? 1 : 0) : 0);
  switch (v) {
${cases(sgdVariants())}
  }
}

/**
 * ${KERNELS.adam.doc} on elements [i0, i1): coupled decay when slot 14 is not 0, else decoupled when slot 13 is not 1.
 * Argument block: ${KERNELS.adam.slots}.
 */
export function adamStep(args: usize, i0: i32, i1: i32): void {
  if (i1 <= i0) return;
  const decay = K.arg(args, 14) !== 0 ? 1 : K.arg(args, 13) !== 1 ? 2 : 0;
  const v = decay * 2 + (K.arg(args, 15) !== 0 ? 1 : 0);
  switch (v) {
${cases(adamVariants())}
  }
}

/**
 * ${KERNELS.rmsprop.doc} on elements [i0, i1): Adagrad's form when decay and scale are both 1.
 * Argument block: ${KERNELS.rmsprop.slots}.
 */
export function rmspropStep(args: usize, i0: i32, i1: i32): void {
  if (i1 <= i0) return;
  const adagrad = K.arg(args, 10) === 1 && K.arg(args, 11) === 1;
  const wd = K.arg(args, 13) !== 0;
  const centered = K.arg(args, 15) !== 0;
  const momentum = K.arg(args, 14) > 0;
  const v = (adagrad ? 8 : 0) + (wd ? 4 : 0) + (centered ? 2 : 0) + (momentum ? 1 : 0);
  switch (v) {
${cases(rmspropVariants())}
  }
}
`;

/** The text of assembly/updates.ts; `unroll` overrides the copies per iteration (scripts/unroll-ab.mjs compares them). */
export function generateUpdates(unroll = UNROLL) {
  const sections = [
    ['sgd', sgdVariants()],
    ['adam', adamVariants()],
    ['rmsprop', rmspropVariants()],
  ];
  return `// Generated by scripts/update-kernels.mjs from core's fused update rules (packages/core/src/kernels/fused-update-rules.ts):
// do not edit. The optimizer steps over float32 arrays, four lanes at a time (SGD's sixteen, as four copies of the rule;
// a one-element tail), every operation rounded to float32 in the rules' order, as the scalar kernels and backend-onnx
// compute them; no fused multiply-add. Constants are read from the argument block as float64 and rounded to float32
// once (1 − β computed in float64 first). Every kernel updates elements [i0, i1) so worker threads can split one array;
// outputs may be their own inputs (each element's inputs are all loaded before any of its outputs is stored); arrays
// overlapping at different offsets are not supported.

import { K } from './update-lanes';
${sections
  .flatMap(([kernel, variants]) => variants.map((v) => variant(kernel, v.fn, v.label, v.attrs, v.io, unroll[kernel])))
  .map((text) => `\n${text}`)
  .join('')}${dispatch()}`;
}
