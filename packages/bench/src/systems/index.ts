/** The registry of systems, in table order; the first is the baseline that ratios divide by. */
import type { System } from '../system.js';
import { backpropCpu, backpropCpu1t } from './backprop-cpu.js';
import { tfjsCpu, tfjsWasm } from './tfjs.js';
import { torchCpu } from './torch.js';

/** Every system the bench knows, baseline first. Add a file under src/systems/ and list it here. */
export const systems: readonly System[] = [backpropCpu, backpropCpu1t, tfjsCpu, tfjsWasm, torchCpu];

export { backpropCpu, backpropCpu1t, backpropCpuSystem, buildMlp } from './backprop-cpu.js';
export { buildTfjsMlp, tfjsCpu, tfjsSystem, tfjsWasm } from './tfjs.js';
export { torchCpu } from './torch.js';
