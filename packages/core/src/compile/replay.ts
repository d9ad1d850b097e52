/** Eager replay: runs a graph's kernels one by one on the current backend (for backends without `compileGraph`). */
import { runKernel, runKernelMulti } from '../engine.js';
import { tidy } from '../memory.js';
import { reshape } from '../ops/reshape.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Graph, ValueRef } from './graph.js';

/**
 * Runs `graph` on `inputs`, `state` and its `constants` (as tensors); returns new outputs and state.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { add, mul, replay, setBackend, tensor, trace } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const t = trace((x) => add(mul(x, 2), 1), [tensor([1, 2])], []);
 * const { outputs } = replay(t.graph, [tensor([5, 6])], [], t.held);
 * console.log(await outputs[0].data()); // Float32Array [11, 13]
 * ```
 */
export function replay(
  graph: Graph,
  inputs: readonly Tensor[],
  state: readonly Tensor[],
  constants: readonly Tensor[],
): { outputs: Tensor[]; state: Tensor[] } {
  return tidy(() => {
    const values: Tensor[] = [...inputs, ...state, ...constants];
    const use = ({ value, shape }: ValueRef): Tensor => {
      const t = values[value];
      return shapesEqual(t.shape, shape) ? t : reshape(t, shape);
    };
    const nodes = graph.nodes;
    for (let j = 0; j < nodes.length; j++) {
      const n = nodes[j];
      if (n.output === undefined) {
        values.push(runKernel(n.kernel, n.inputs.map(use), n.attrs as never, { shape: n.shape, dtype: n.dtype }));
        continue;
      }
      // A multi-output kernel: nodes j… with output 0, 1, … are one dispatch.
      let end = j + 1;
      while (end < nodes.length && (nodes[end].output ?? 0) > 0) end++;
      const outs = nodes.slice(j, end).map((o) => ({ shape: o.shape, dtype: o.dtype }));
      values.push(...runKernelMulti(n.kernel, n.inputs.map(use), n.attrs as never, outs));
      j = end - 1;
    }
    // An output that is an input or a state value is returned as a new view, so the caller owns every result.
    const own = (r: ValueRef) => reshape(use(r), r.shape);
    return { outputs: graph.outputs.map(own), state: graph.stateOut.map(own) };
  });
}
