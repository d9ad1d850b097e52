/** Eager replay: runs a graph's kernels one by one on the current backend (for backends without `compileGraph`). */
import { runKernel } from '../engine.js';
import { tidy } from '../memory.js';
import { reshape } from '../ops/reshape.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Graph, ValueRef } from './graph.js';

/** Runs `graph` on `inputs`, `state` and its `constants` (as tensors); returns new outputs and state. */
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
    for (const n of graph.nodes) {
      values.push(runKernel(n.kernel, n.inputs.map(use), n.attrs as never, { shape: n.shape, dtype: n.dtype }));
    }
    // An output that is an input or a state value is returned as a new view, so the caller owns every result.
    const own = (r: ValueRef) => reshape(use(r), r.shape);
    return { outputs: graph.outputs.map(own), state: graph.stateOut.map(own) };
  });
}
