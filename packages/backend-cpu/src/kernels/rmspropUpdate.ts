/** The optional fused rmspropUpdate kernel: one RMSProp or AdaGrad step in a single pass over the arrays. */
import type { MultiKernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { allocateOut, output } from './helpers/output.js';

/**
 * With g ← g + λθ, v′ = decay·v + scale·g², ḡ′ = decay·ḡ + scale·g (centered), d = √(v′ − ḡ′²) + ε
 * (centered) or √v′ + ε, b′ = μb + g/d (momentum): θ′ = θ − γb′ or θ − γg/d. Inputs [θ, g, v,
 * ḡ?, b?, γ] → outputs [θ′, v′, ḡ′?, b′?], computed in float64 per element and stored as float32.
 */
export const rmspropUpdate: MultiKernel<'rmspropUpdate'> = (inputs, attrs, outs) => {
  const { decay, scale, eps, weightDecay, momentum, centered } = attrs;
  const [p, g, v, ...rest] = inputs.slice(0, -1).map(valuesOf) as Float32Array[];
  const lr = valuesOf(inputs[inputs.length - 1])[0];
  const gAvg = centered ? rest.shift()! : undefined;
  const buf = momentum > 0 ? rest.shift()! : undefined;
  const [p2, v2, ...restOut] = outs.map((o) => allocateOut(o, false) as Float32Array);
  const gAvg2 = centered ? restOut.shift()! : undefined;
  const buf2 = momentum > 0 ? restOut.shift()! : undefined;
  for (let i = 0; i < p.length; i++) {
    const theta = p[i];
    const gi = weightDecay === 0 ? g[i] : g[i] + weightDecay * theta;
    const vi = decay * v[i] + scale * gi * gi;
    v2[i] = vi;
    let d: number;
    if (gAvg && gAvg2) {
      const ga = decay * gAvg[i] + scale * gi;
      gAvg2[i] = ga;
      d = Math.sqrt(vi - ga * ga) + eps;
    } else d = Math.sqrt(vi) + eps;
    if (buf && buf2) {
      const b = momentum * buf[i] + gi / d;
      buf2[i] = b;
      p2[i] = theta - lr * b;
    } else p2[i] = theta - (lr * gi) / d;
  }
  return [p2, v2, gAvg2, buf2].filter((a) => a !== undefined).map(output);
};
