/// <reference types="@webgpu/types" />

/**
 * Finding a GPU: `navigator.gpu` in browsers, the `webgpu` npm package (Dawn) in Node. That
 * package is an optional peer dependency of @fovea/tensor, imported only when this runs, so a
 * program that never asks for a GPU never loads it.
 *
 * Without a hardware GPU, Dawn in Node finds SwiftShader (a CPU Vulkan) when the Vulkan loader
 * is pointed at its driver: Debian's chromium ships it, so
 * `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` with `libvulkan1` installed
 * gives an adapter whose architecture is "swiftshader". Timings on it say nothing about a GPU.
 */

/** What the adapter says it is. */
export interface GpuAdapterDescription {
  /** The vendor, as the adapter reports it (may be empty). */
  readonly vendor: string;
  /** The architecture (`'swiftshader'` for the software adapter). */
  readonly architecture: string;
  /** The device name. */
  readonly device: string;
  /** A free-form description. */
  readonly description: string;
  /** A CPU implementation (SwiftShader, or a fallback adapter): timings on it mean nothing. */
  readonly isSoftware: boolean;
  /** Where the adapter came from: 'navigator.gpu' or 'webgpu (Node)'. */
  readonly source: string;
}

/** How to pick an adapter, as `navigator.gpu.requestAdapter` takes it. */
export interface RequestGpuOptions {
  /** `'low-power'` or `'high-performance'`; the platform's choice by default. */
  readonly powerPreference?: GPUPowerPreference;
}

/** The npm package's surface this file uses (it ships its own types, which are optional here). */
interface DawnModule {
  create(flags: string[]): GPU;
  globals: object;
}

// Kept in a variable so that bundlers leave the optional peer dependency alone.
const NODE_PACKAGE = 'webgpu';

/**
 * Dawn's instance, made once per process and never let go: when the object `create` returns is
 * garbage collected, Dawn frees the instance while its event loop still polls it, and the
 * process crashes (a futex error or a segmentation fault in InstanceBase::ProcessEvents).
 */
let dawnInstance: GPU | null = null;

async function nodeGpu(tried: string[]): Promise<GPU | null> {
  const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
  if (!isNode) return null;
  if (dawnInstance !== null) return dawnInstance;
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ NODE_PACKAGE)) as DawnModule;
  } catch (error) {
    tried.push(
      `the 'webgpu' npm package could not be loaded (${(error as Error).message.split('\n')[0]}); ` +
        `install it with \`npm install webgpu\``,
    );
    return null;
  }
  // GPUBufferUsage, GPUMapMode and the other constants the API expects as globals.
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  dawnInstance = dawn.create([]);
  return dawnInstance;
}

function describe(adapter: GPUAdapter, source: string): GpuAdapterDescription {
  const info = adapter.info;
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const device = info?.device ?? '';
  const description = info?.description ?? '';
  const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const isSoftware =
    fallback || /swiftshader|llvmpipe|lavapipe|software/i.test(`${architecture} ${device} ${description}`);
  return { vendor, architecture, device, description, isSoftware, source };
}

/** An adapter from `navigator.gpu` or, in Node, the `webgpu` package; tells what it tried when none. */
export async function requestAdapter(
  options: RequestGpuOptions = {},
): Promise<{ adapter: GPUAdapter; description: GpuAdapterDescription }> {
  const tried: string[] = [];
  const candidates: [string, () => Promise<GPU | null>][] = [
    ['navigator.gpu', async () => (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu ?? null],
    ['webgpu (Node)', () => nodeGpu(tried)],
  ];
  for (const [source, find] of candidates) {
    const gpu = await find();
    if (gpu === null) {
      if (source === 'navigator.gpu') tried.push('navigator.gpu is not available');
      continue;
    }
    const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
    if (adapter !== null) return { adapter, description: describe(adapter, source) };
    tried.push(
      source === 'navigator.gpu'
        ? 'navigator.gpu.requestAdapter() returned null (WebGPU disabled or no GPU)'
        : `the 'webgpu' package found no adapter (no Vulkan, Metal or D3D12 driver; without a GPU, ` +
            `install libvulkan1 and set VK_ICD_FILENAMES to SwiftShader's ICD, e.g. ` +
            `/usr/lib/chromium/vk_swiftshader_icd.json` +
            `${typeof process === 'object' && process.env?.VK_ICD_FILENAMES ? `; VK_ICD_FILENAMES is ${process.env.VK_ICD_FILENAMES}` : ''})`,
    );
  }
  throw new Error(`WebGPU: no GPU adapter found. Tried: ${tried.join('; ')}`);
}

/**
 * Asks `adapter` for a device with the largest storage buffers it allows. `onLost` is called
 * once if the device is lost (driver reset, `destroy()`), with the reason.
 */
export async function requestDevice(
  adapter: GPUAdapter,
  onLost: (message: string) => void,
): Promise<GPUDevice> {
  const { limits } = adapter;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    },
  });
  device.lost.then((info) => onLost(`${info.reason}: ${info.message}`));
  return device;
}
