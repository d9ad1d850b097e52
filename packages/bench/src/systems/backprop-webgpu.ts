/** System: Backprop's core on `@backprop/backend-webgpu` (Dawn; Mesa's lavapipe software Vulkan on a machine without a GPU). */
import { webgpu } from '@backprop/backend-webgpu';
import type { System } from '../system.js';
import { backpropSystem } from './backprop.js';

/** Adapters that are CPU emulations: numbers without targets. */
const SOFTWARE = /llvmpipe|lavapipe|swiftshader/i;

let adapter: Promise<string> | undefined;
/** The adapter's description, found once (a device is created and destroyed). Rejects when there is none. */
const probe = (): Promise<string> => {
  adapter ??= webgpu().then(async (b) => {
    const description = b.adapterDescription;
    await b.destroy();
    return description;
  });
  return adapter;
};
let software = true;

const base = backpropSystem({ id: 'backprop-webgpu', label: 'backprop webgpu', create: () => webgpu() });

/**
 * WebGPU: few steps (1 warm-up after the first-loss step, 2 timed) and matmul at 256³ only,
 * because lavapipe runs the shaders on the CPU (~1 s per step); marked "no target" there.
 */
export const backpropWebgpu: System = {
  ...base,
  get label() {
    return software ? 'backprop webgpu (software Vulkan, no target)' : 'backprop webgpu';
  },
  timing: { warmup: 1, minSeconds: 0, minRuns: 2, maxRuns: 2 },
  matmulSizes: [256],
  async unavailable() {
    try {
      software = SOFTWARE.test(await probe());
      return undefined;
    } catch (e) {
      return `skipped: no WebGPU adapter (${(e as Error).message.split('\n')[0]})`;
    }
  },
  async describe() {
    const description = await probe();
    return { backend: 'webgpu', adapter: description, software: SOFTWARE.test(description) };
  },
};
