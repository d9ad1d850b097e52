/** The optional fused rmspropUpdate kernel: one RMSProp or AdaGrad step in a single pass over the arrays. */
import type { MultiKernel } from '@backprop/core';
import type { KernelContext } from '../kernel-context.js';
import { coupledGrad, runUpdate } from '../shaders/update.js';

/**
 * PyTorch's RMSprop / Adagrad: g ← g + λθ (skipped when λ = 0), v′ = decay·v + scale·g²,
 * ḡ′ = decay·ḡ + scale·g and d = √(v′ − ḡ′²) + ε (centered) or d = √v′ + ε, b′ = μb + g/d
 * (μ > 0): θ′ = θ − γb′ or θ − γg/d. Inputs [θ, g, v, ḡ?, b?, γ] → outputs [θ′, v′, ḡ′?, b′?],
 * in f32, as backend-cpu and backend-onnx compute it too; a NaN gradient reaches every output.
 */
export const rmspropUpdate =
  (k: KernelContext): MultiKernel<'rmspropUpdate'> =>
  (inputs, attrs, outs) => {
    const { decay, scale, eps, weightDecay, momentum, centered } = attrs;
    const heavy = momentum > 0;
    // γ is the last input (read by every invocation); p(0) is unused.
    const params = [0, decay, scale, eps, weightDecay, momentum];
    // Bindings: in3 is ḡ when centered, b follows; outputs o1 = v′, then ḡ′, then b′.
    const bIn = centered ? 4 : 3;
    const bOut = centered ? 3 : 2;
    const count = 3 + (centered ? 1 : 0) + (heavy ? 1 : 0);
    const lines = [
      `  let lr = in${count}[0];`,
      '  let theta = in0[i];',
      `  let g = ${coupledGrad(weightDecay === 0 ? undefined : 4)};`,
      '  let v = p(1u) * in2[i] + p(2u) * g * g;',
      '  o1[i] = v;',
    ];
    if (centered) {
      lines.push('  let ga = p(1u) * in3[i] + p(2u) * g;', '  o2[i] = ga;', '  let d = sqrt(v - ga * ga) + p(3u);');
    } else lines.push('  let d = sqrt(v) + p(3u);');
    if (heavy) {
      lines.push(`  let b = p(5u) * in${bIn}[i] + g / d;`, `  o${bOut}[i] = b;`, '  out[i] = theta - lr * b;');
    } else lines.push('  out[i] = theta - (lr * g) / d;');
    return runUpdate(
      k,
      'rmspropUpdate',
      `${centered ? 'centered' : 'plain'}|${heavy ? 'momentum' : 'direct'}|${weightDecay === 0 ? 'nodecay' : 'decay'}`,
      lines.join('\n'),
      [...inputs.slice(0, count), inputs[inputs.length - 1]],
      outs.slice(0, count - 1),
      params,
    );
  };
