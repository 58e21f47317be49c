import type { TypedArray } from '../dtype.js';
import type * as conv2dReference from '../kernels/conv2d.js';
import type * as matmulReference from '../kernels/matmul.js';
import type * as reduceReference from '../kernels/reduce.js';
import { DECLINED, registerKernel } from '../kernels/registry.js';
import type { MapStridedKernel, ZipStridedKernel } from '../kernels/strided.js';
import { registerDeviceUploader } from '../storage.js';
import { cast, parseCastOp, sumBlocksInt32 } from './cast.js';
import * as conv2d from './conv2d.js';
import { GpuStorage, onDevice, setCurrentDevice } from './device-storage.js';
import { BINARY_OPS, type BinaryOp, binary, UNARY_OPS, type UnaryOp, unary } from './elementwise.js';
import { gemm } from './matmul.js';
import { sumBlocks } from './reduce.js';
import { registerTrainingKernels } from './register-training.js';
import { WebGpu } from './runtime.js';

/**
 * The 'webgpu' backend behind `await setBackend('webgpu')`: one device per process, opened on
 * first selection (kernels/backend.ts imports this module only then, so a program that never
 * asks for a GPU does not carry it), and the WGSL launchers registered under the kernel names
 * they implement. A registered kernel takes a call only when its operands live on this device
 * (`GpuStorage`, device-storage.ts) and returns the result's storage instead of filling an `out` array; any other
 * call it declines, and the registry runs the reference on host operands or refuses device
 * operands with an error that says how to move them (registry.ts).
 */

let gpu: WebGpu | null = null;

/** The device, opened once; throws the adapter search's error when there is none. */
export async function openWebGpu(): Promise<WebGpu> {
  if (gpu === null) {
    gpu = await WebGpu.create();
    setCurrentDevice(gpu);
    registerDeviceUploader('webgpu', uploadStorage);
    registerWebGpuKernels();
    registerTrainingKernels();
  }
  return gpu;
}

/** The device the backend opened, or null before `openWebGpu` succeeded. */
export function webGpuDevice(): WebGpu | null {
  return gpu;
}

/**
 * A GPU storage holding a copy of `values`: float32 and int32 as they are, bool as f32 0 and 1
 * (device-storage.ts); float64 has no WebGPU type.
 */
function uploadStorage(values: TypedArray, dtype: string, op: string): GpuStorage {
  if (values instanceof Float32Array || values instanceof Int32Array) {
    return new GpuStorage(gpu!.upload(values));
  }
  if (dtype === 'bool') return new GpuStorage(gpu!.upload(Float32Array.from(values)));
  throw new Error(
    `${op}: only float32, int32 and bool tensors can live on webgpu, got ${dtype}; convert with .to('float32') first`,
  );
}

/**
 * mapStrided: `op` undefined is a strided copy (materialising a view). Ops on device tensors pass
 * a null `out` (ops/device.ts): the launcher allocates the result.
 */
function webGpuMapStrided(
  ...[, src, shape, strides, offset, out, op]: Parameters<MapStridedKernel>
): GpuStorage | typeof DECLINED {
  if ((out as TypedArray | null) !== null) return DECLINED;
  const name = op ?? 'copy';
  // Conversions name their dtypes; an int32 copy (a view materialised) is the identity one.
  const conversion =
    parseCastOp(name) ?? (name === 'copy' && onDevice(src, 'int32') !== null ? INT32_COPY : null);
  if (conversion !== null) {
    const from = onDevice(src, conversion.from === 'int32' ? 'int32' : 'float32');
    if (from === null) return DECLINED;
    return new GpuStorage(cast(from, conversion.from, conversion.to, shape, strides, offset));
  }
  const x = onDevice(src);
  if (x === null || !(name in UNARY_OPS)) return DECLINED;
  return new GpuStorage(unary(name as UnaryOp, x, shape, strides, offset));
}

const INT32_COPY = { from: 'int32', to: 'int32' } as const;

function webGpuZipStrided(
  ...[, a, aStrides, aOffset, b, bStrides, bOffset, shape, out, op]: Parameters<ZipStridedKernel>
): GpuStorage | typeof DECLINED {
  const x = onDevice(a);
  const y = onDevice(b);
  const take =
    x !== null && y !== null && (out as TypedArray | null) === null && op !== undefined && op in BINARY_OPS;
  if (!take) return DECLINED;
  return new GpuStorage(binary(op as BinaryOp, x, aStrides, aOffset, y, bStrides, bOffset, shape));
}

type Conv2dForward = typeof conv2dReference.conv2dForward;
type Conv2dBackwardInput = typeof conv2dReference.conv2dBackwardInput;
type Conv2dBackwardWeight = typeof conv2dReference.conv2dBackwardWeight;
type Conv2dBackwardBias = typeof conv2dReference.conv2dBackwardBias;

// The conv2d launchers take device operands only, and allocate their result (no `out`).
// biome-ignore lint/suspicious/noExplicitAny: the result is a device storage where the reference returns an array.
type DeviceResult = any;

function webGpuConv2dForward(
  ...[x, xShape, w, wShape, bias, params, out]: Parameters<Conv2dForward>
): DeviceResult {
  const [xs, ws] = [onDevice(x), onDevice(w)];
  const bs = bias === null ? null : onDevice(bias);
  if (xs === null || ws === null || (bias !== null && bs === null) || out !== undefined) return DECLINED;
  const result = conv2d.conv2dForward(xs, xShape, ws, wShape, bs, params);
  return { out: new GpuStorage(result.out), outShape: result.outShape };
}

function webGpuConv2dBackwardInput(
  ...[gy, gyShape, w, wShape, xShape, params, out]: Parameters<Conv2dBackwardInput>
): DeviceResult {
  const [gys, ws] = [onDevice(gy), onDevice(w)];
  if (gys === null || ws === null || out !== undefined) return DECLINED;
  return new GpuStorage(conv2d.conv2dBackwardInput(gys, gyShape, ws, wShape, xShape, params));
}

function webGpuConv2dBackwardWeight(
  ...[x, xShape, gy, gyShape, wShape, params, out]: Parameters<Conv2dBackwardWeight>
): DeviceResult {
  const [xs, gys] = [onDevice(x), onDevice(gy)];
  if (xs === null || gys === null || out !== undefined) return DECLINED;
  return new GpuStorage(conv2d.conv2dBackwardWeight(xs, xShape, gys, gyShape, wShape, params));
}

function webGpuConv2dBackwardBias(...[gy, gyShape]: Parameters<Conv2dBackwardBias>): DeviceResult {
  const gys = onDevice(gy);
  return gys === null ? DECLINED : new GpuStorage(conv2d.conv2dBackwardBias(gys, gyShape));
}

type Gemm = typeof matmulReference.gemm;

/** Where gemm's arguments hold A, B and C (the reference's order, kernels/matmul.ts). */
const GEMM_OPERANDS = [6, 9, 13] as const;

/** C = alpha op(A) op(B) + beta C, every operand on the device (C written in place). */
function webGpuGemm(...args: Parameters<Gemm>): undefined | typeof DECLINED {
  const launch = [...args] as unknown as Parameters<typeof gemm>;
  for (const k of GEMM_OPERANDS) {
    const array = onDevice(args[k]);
    if (array === null) return DECLINED;
    launch[k] = array;
  }
  gemm(...launch);
  return undefined;
}

type SumBlocks = typeof reduceReference.sumBlocks;

/** Sums of consecutive blocks of a device array, into a new device array (`out` null). */
function webGpuSumBlocks(...[src, outer, inner, out]: Parameters<SumBlocks>): DeviceResult {
  if ((out as TypedArray | null) !== null) return DECLINED;
  const ints = onDevice(src, 'int32');
  if (ints !== null) return new GpuStorage(sumBlocksInt32(ints, outer, inner));
  const array = onDevice(src);
  return array === null ? DECLINED : new GpuStorage(sumBlocks(array, outer, inner));
}

function registerWebGpuKernels(): void {
  // Device kernels return the result's storage where the reference fills `out` (ops/device.ts).
  registerKernel<typeof webGpuMapStrided>('mapStrided', 'webgpu', webGpuMapStrided);
  registerKernel<typeof webGpuZipStrided>('zipStrided', 'webgpu', webGpuZipStrided);
  registerKernel<Gemm>('gemm', 'webgpu', webGpuGemm);
  registerKernel<SumBlocks>('sumBlocks', 'webgpu', webGpuSumBlocks);
  registerKernel<Conv2dForward>('conv2dForward', 'webgpu', webGpuConv2dForward);
  registerKernel<Conv2dBackwardInput>('conv2dBackwardInput', 'webgpu', webGpuConv2dBackwardInput);
  registerKernel<Conv2dBackwardWeight>('conv2dBackwardWeight', 'webgpu', webGpuConv2dBackwardWeight);
  registerKernel<Conv2dBackwardBias>('conv2dBackwardBias', 'webgpu', webGpuConv2dBackwardBias);
}
