/** The registry of systems, in table order; the first is the baseline that ratios divide by. */
import type { System } from '../system.js';
import { backpropCpu, backpropCpu1t } from './backprop-cpu.js';
import { backpropOnnx, backpropOnnx1t, backpropOnnxEager } from './backprop-onnx.js';
import { backpropWebgpu } from './backprop-webgpu.js';
import { tfjsCpu, tfjsWasm } from './tfjs.js';
import { torchCpu1t, torchCpu2t } from './torch.js';

/** Every system the bench knows, baseline first. Add a file under src/systems/ and list it here. */
export const systems: readonly System[] = [
  backpropCpu,
  backpropCpu1t,
  backpropOnnx,
  backpropOnnx1t,
  backpropOnnxEager,
  backpropWebgpu,
  tfjsCpu,
  tfjsWasm,
  torchCpu1t,
  torchCpu2t,
];

export { backpropSystem, buildMlp, type OwnedBackend } from './backprop.js';
export { backpropCpu, backpropCpu1t, backpropCpuSystem, FUSED_OPTIMIZERS } from './backprop-cpu.js';
export { backpropOnnx, backpropOnnx1t, backpropOnnxEager, backpropOnnxSystem, ONNX_THREADS } from './backprop-onnx.js';
export { backpropWebgpu } from './backprop-webgpu.js';
export { buildTfjsMlp, tfjsCpu, tfjsSystem, tfjsWasm } from './tfjs.js';
export { PythonServer, torchCpu1t, torchCpu2t, torchSystem } from './torch.js';
