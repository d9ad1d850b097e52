/** The backends the playground offers, each loaded only when chosen. */

import { cpu } from '@backprop/backend-cpu';
import type { Backend } from '@backprop/core';
import type { Settings } from './settings.js';

/** Backend factories by name; a backend that cannot start throws with the reason. */
export const backendFactories: Record<Settings['backend'], () => Promise<Backend>> = {
  cpu: async () => cpu(),
  webgpu: async () => {
    const { webgpu } = await import('@backprop/backend-webgpu');
    return webgpu();
  },
  onnx: async () => {
    const ort = await import('onnxruntime-web');
    // Vite bundles the runtime's .wasm beside the page (ort.bundle refers to it by URL); one thread.
    ort.env.wasm.numThreads = 1;
    const { onnx } = await import('@backprop/backend-onnx');
    return onnx({ ort: ort as never, provider: 'cpu' });
  },
};
