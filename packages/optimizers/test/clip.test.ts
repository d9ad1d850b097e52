/** The clipping functions on their own: torch.nn.utils' rules, and their arguments checked. */
import { cpu } from '@backprop/backend-cpu';
import { setBackend, tensor, ValueError } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipByValue, clipGradNorm, clipGradValue } from '../src/index.js';

beforeAll(async () => {
  await setBackend(cpu());
});

describe('clipGradNorm and clipGradValue', () => {
  it('scale by the joint norm, c = min(maxNorm / (‖g‖ + 1e-6), 1), and clamp to [−v, v]', async () => {
    const { grads, totalNorm } = clipGradNorm([tensor([3, 0]), tensor([0, 4])], 1);
    expect(await totalNorm.item()).toBe(5);
    const c = Math.fround(1 / (5 + 1e-6));
    expect(Array.from(await grads[0].data())).toEqual([Math.fround(3 * c), 0]);
    expect(Array.from(await grads[1].data())).toEqual([0, Math.fround(4 * c)]);
    // Under the limit: unchanged (c = 1).
    expect(Array.from(await clipGradNorm([tensor([0.3, 0.4])], 1).grads[0].data())).toEqual([
      Math.fround(0.3),
      Math.fround(0.4),
    ]);
    expect(Array.from(await clipGradValue([tensor([-3, 0.5, 2])], 1)[0].data())).toEqual([-1, 0.5, 1]);
  });

  it('refuse a negative, NaN or infinite limit and grads that are not a list of tensors', () => {
    // A negative limit flipped every gradient's sign (norm) or set every element to −|v| (value).
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => clipGradNorm([tensor([3, 4])], bad)).toThrow(ValueError);
      expect(() => clipGradValue([tensor([3, 4])], bad)).toThrow(ValueError);
      expect(() => clipByValue(bad)).toThrow(ValueError);
    }
    expect(() => clipGradNorm([tensor([3, 4])], -1)).toThrow(
      'clipGradNorm: maxNorm must be a finite number ≥ 0, got -1',
    );
    expect(() => clipGradValue([tensor([3, 4])], -2)).toThrow(
      'clipGradValue: clipValue must be a finite number ≥ 0, got -2',
    );
    expect(() => clipGradNorm({ max: 1 } as never, 1)).toThrow(
      'clipGradNorm: grads must be a list of Tensors, got {"max":1}',
    );
    expect(() => clipGradValue([[1, 2]] as never, 1)).toThrow(/clipGradValue: grads must be a list of Tensors/);
  });
});
