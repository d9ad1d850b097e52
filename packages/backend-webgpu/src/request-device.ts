/** Finding a GPU: `navigator.gpu` in browsers, Dawn through the `webgpu` npm package in Node. */
import { BackendError } from '@backprop/core';

/** A device with a way to let go of what was created for it. */
export interface AcquiredDevice {
  device: GPUDevice;
  /** "vendor architecture (description)" of the adapter, where known. */
  description: string;
  /** True when the backend created the device and must destroy it. */
  owned: boolean;
  /** Drops the reference to Dawn's GPU object, so a Node process can exit. */
  release(): void;
}

/** Where {@link acquireDevice} may start from. */
export interface AcquireOptions {
  device?: GPUDevice;
  adapter?: GPUAdapter;
  powerPreference?: GPUPowerPreference;
}

const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/** The `webgpu` package's entry points (typed loosely: it is only present in Node). */
interface DawnModule {
  create(options: string[]): GPU;
}

async function nodeGpu(): Promise<GPU> {
  // NOTE: the specifier is a variable so that browser bundlers do not pull Dawn in, and bundles
  // do not require it: `webgpu` is an optional peer dependency, needed only in Node.
  const specifier = 'webgpu';
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as DawnModule;
  } catch (e) {
    throw new BackendError(
      `webgpu: navigator.gpu is missing and the "webgpu" package could not be loaded (${(e as Error).message}); install it (npm i webgpu, an optional peer dependency of @backprop/backend-webgpu), or run in a browser with WebGPU`,
    );
  }
  return dawn.create([]);
}

/** Resolves a device: the one given, or a new one from the given adapter or the platform's GPU. */
export async function acquireDevice({ device, adapter, powerPreference }: AcquireOptions): Promise<AcquiredDevice> {
  if (device) return { device, description: 'user-supplied device', owned: false, release: () => {} };
  let gpu: GPU | undefined;
  if (!adapter) {
    gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu ?? (await nodeGpu());
    adapter = (await gpu.requestAdapter(powerPreference ? { powerPreference } : {})) ?? undefined;
    if (!adapter) {
      throw new BackendError(
        "webgpu: no GPU adapter was found; on Linux without a GPU install Mesa's lavapipe (apt-get install -y -t bookworm-backports mesa-vulkan-drivers libvulkan1)",
      );
    }
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const created = await adapter.requestDevice({ requiredLimits });
  const info = adapter.info;
  const description = info
    ? [info.vendor, info.architecture, info.description && `(${info.description})`].filter(Boolean).join(' ')
    : '';
  return {
    device: created,
    description,
    owned: true,
    release: () => {
      gpu = undefined;
    },
  };
}
