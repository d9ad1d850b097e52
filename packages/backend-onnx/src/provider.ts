/** Execution providers: checking that the one asked for is there, with an error that says how to get it. */
import { BackendError } from '@backprop/core';
import { encodeModel, OnnxType } from './proto/onnx.js';
import type { OrtModule } from './runtime.js';

/** ONNX Runtime execution providers the backend can use. */
export type OnnxProvider = 'cpu' | 'webgpu' | 'cuda';

const HOW_TO: Record<OnnxProvider, string> = {
  cpu: 'reinstall onnxruntime-node',
  webgpu:
    "it needs a Vulkan, Metal or D3D12 driver; on a Linux machine without a GPU install Mesa's software Vulkan (Debian: `apt-get install -t bookworm-backports mesa-vulkan-drivers`, version 25 or later); in browsers pass `ort` from onnxruntime-web and use a browser with WebGPU",
  cuda: "onnxruntime-node does not bundle its CUDA files; with CUDA 12 and cuDNN 9 installed, fetch them once with `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` (with pnpm, allow the package's build script: `allowBuilds: { onnxruntime-node: true }`)",
};

/** A one-node model (Identity on a float scalar) used to probe a provider. */
function probeModel(): Uint8Array {
  const v = { type: OnnxType.float, dims: [] };
  return encodeModel({
    name: 'probe',
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
    initializers: [],
    inputs: [{ name: 'x', ...v }],
    outputs: [{ name: 'y', ...v }],
  });
}

/** Throws a BackendError naming the provider and how to install it when a session cannot be made with it. */
export async function checkProvider(ort: OrtModule, provider: OnnxProvider): Promise<void> {
  if (!(provider in HOW_TO))
    throw new BackendError(`onnx: unknown provider "${provider}"; use 'cpu', 'webgpu' or 'cuda'`);
  const listed = (
    ort as { listSupportedBackends?: () => { name: string; bundled: boolean }[] }
  ).listSupportedBackends?.();
  const entry = listed?.find((b) => b.name === provider);
  if (listed && !entry)
    throw new BackendError(
      `onnx: this ONNX Runtime build has no "${provider}" execution provider; ${HOW_TO[provider]}`,
    );
  try {
    const s = await ort.InferenceSession.create(probeModel(), { executionProviders: [provider], logSeverityLevel: 3 });
    await s.release();
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new BackendError(`onnx: the "${provider}" execution provider is unavailable (${why}); ${HOW_TO[provider]}`);
  }
}
