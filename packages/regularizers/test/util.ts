/** Test helper: host reads of tensors. */

import type { Tensor } from '@backprop/core';

/** The values of `t` as a plain array. */
export const values = (t: Tensor): number[] => Array.from(t.dataSync());
