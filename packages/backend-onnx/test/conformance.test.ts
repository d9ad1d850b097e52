/** @backprop/conformance on ONNX Runtime: the CPU provider always, WebGPU when an adapter exists (lavapipe in CI). */
import { runConformance } from '@backprop/conformance';
import { onnx } from '../src/index.js';

runConformance({
  name: 'onnx cpu',
  create: () => onnx({ provider: 'cpu', threads: 2 }),
});
