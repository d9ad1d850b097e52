/** Kernel tests of the optional softmax, logSoftmax and softmaxCrossEntropy kernels. */
import { describe, expect, it } from 'vitest';
import { backend, f32, free, run, t } from './util.js';

describe('softmax family', () => {
  it('softmax and logSoftmax along the last axis, stable for large logits', () => {
    const x = t([1, 2, 3, 1000, 1000, 1000], [2, 3]);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const z = e[0] + e[1] + e[2];
    expect(run('softmax', [x], {}, [2, 3])).toEqual(f32([...e.map((v) => v / z), 1 / 3, 1 / 3, 1 / 3]));
    const lse = 3 + Math.log(z);
    expect(run('logSoftmax', [x], {}, [2, 3])).toEqual(
      f32([1 - lse, 2 - lse, 3 - lse, -Math.log(3), -Math.log(3), -Math.log(3)]),
    );
    free(x);
  });

  it('handles scalars, empty tensors, NaN and -∞', () => {
    const s = t([5], []);
    expect(run('softmax', [s], {}, [])).toEqual([1]);
    expect(run('logSoftmax', [s], {}, [])).toEqual([0]);
    const e = t([], [2, 0]);
    expect(run('softmax', [e], {}, [2, 0])).toEqual([]);
    const n = t([Number.NaN, 1, Number.NEGATIVE_INFINITY, 0], [2, 2]);
    expect(run('softmax', [n], {}, [2, 2])).toEqual([Number.NaN, Number.NaN, 0, 1]);
    expect(run('logSoftmax', [n], {}, [2, 2])).toEqual([Number.NaN, Number.NaN, Number.NEGATIVE_INFINITY, 0]);
    free(s, e, n);
  });

  it('softmaxCrossEntropy is −log softmax at the label, NaN for labels out of range', () => {
    const logits = t([1, 2, 3, 0, 0, 0, 5, 5, 5], [3, 3]);
    const labels = t([2, 0, 3], [3], 'int32');
    const lse = 3 + Math.log(Math.exp(-2) + Math.exp(-1) + 1);
    expect(run('softmaxCrossEntropy', [logits, labels], {}, [3])).toEqual(f32([lse - 3, Math.log(3), Number.NaN]));
    const negative = t([-1, 1, 1], [3], 'int32');
    expect(run('softmaxCrossEntropy', [logits, negative], {}, [3])[0]).toBeNaN();
    const none = t([], [0, 3]);
    const noLabels = t([], [0], 'int32');
    expect(run('softmaxCrossEntropy', [none, noLabels], {}, [0])).toEqual([]);
    free(logits, labels, negative, none, noLabels);
  });

  it('leaves no handles behind', () => {
    expect(backend.memory().handles).toBe(0);
  });
});
