/** The optional fused rmspropUpdate kernel: one RMSProp or AdaGrad step in a single pass over the arrays. */
import type { MultiKernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { allocateOut, output } from './helpers/output.js';

/**
 * Each operation rounded to float32 (PyTorch's arithmetic, and backend-onnx's `update-rules.ts`
 * operation for operation): g ← g + θλ, v′ = v·decay + g²·scale, ḡ′ = ḡ·decay + g·scale (centered),
 * d = √(v′ − ḡ′²) + ε (centered) or √v′ + ε, b′ = bμ + g/d (momentum): θ′ = θ − b′γ or θ − (g/d)γ.
 * Inputs [θ, g, v, ḡ?, b?, γ] → outputs [θ′, v′, ḡ′?, b′?].
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
  const f = Math.fround;
  const [dc, sc, ep, wd, mom] = [f(decay), f(scale), f(eps), f(weightDecay), f(momentum)];
  for (let i = 0; i < p.length; i++) {
    const theta = p[i];
    const gi = weightDecay === 0 ? g[i] : f(g[i] + f(theta * wd));
    const vi = f(f(v[i] * dc) + f(f(gi * gi) * sc));
    v2[i] = vi;
    let d: number;
    if (gAvg && gAvg2) {
      const ga = f(f(gAvg[i] * dc) + f(gi * sc));
      gAvg2[i] = ga;
      d = f(f(Math.sqrt(f(vi - f(ga * ga)))) + ep);
    } else d = f(f(Math.sqrt(vi)) + ep);
    const step = f(gi / d);
    if (buf && buf2) {
      const b = f(f(buf[i] * mom) + step);
      buf2[i] = b;
      p2[i] = theta - f(b * lr);
    } else p2[i] = theta - f(step * lr);
  }
  return [p2, v2, gAvg2, buf2].filter((a) => a !== undefined).map(output);
};
