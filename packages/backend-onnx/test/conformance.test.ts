/** @backprop/conformance on ONNX Runtime's CPU provider: the whole suite, compiled mode included. */
import { runConformance } from '@backprop/conformance';
import { onnx } from '../src/index.js';

runConformance({
  name: 'onnx cpu',
  create: () => onnx({ provider: 'cpu', threads: 2 }),
});
