import type { DType, TypedArray } from '../dtype.js';
import { mapStrided, zipStrided } from '../kernels/registered/strided.js';
import { selectedBackend } from '../kernels/registry.js';
import type { FloatArray } from '../kernels/shape.js';
import type { BinaryFn, UnaryFn } from '../kernels/strided.js';
import { formatShape } from '../shape.js';
import { type DeviceBuffer, deviceError, hostArray, isDeviceBuffer, Storage, uploadTo } from '../storage.js';
import { Tensor } from '../tensor.js';
import { floatData } from './float-data.js';
import { broadcastStrides } from './operands.js';

/**
 * Elementwise ops on tensors whose data lives on a device (a GPU buffer): the device's kernel
 * returns the result's storage, which stays on the device. Ops whose kernel has no device
 * version fail (registry.ts) rather than read a buffer they cannot.
 */

/**
 * A device tensor's kernels are its backend's: with another backend selected, no kernel there
 * could read it, so the op fails saying so.
 */
function requireDeviceBackend(op: string, t: Tensor): void {
  const backend = selectedBackend();
  if (backend !== t.device) {
    throw new Error(
      `${op}: the tensor ${formatShape(t.shape)} lives on ${t.device} but the backend is '${backend}'; ` +
        `select it with \`await setBackend('${t.device}')\`, or move the tensor with \`await t.cpu()\``,
    );
  }
}

/** A kernel's storage argument: the host array or the device's buffer (which kernels tell apart). */
function operand(t: Tensor, op: string): TypedArray {
  requireDeviceBackend(op, t);
  return (t.storage.deviceBuffer ?? t.storage.host) as TypedArray;
}

/** Ops whose device kernels give bool results (f32 0 and 1 on the device) and read bools as such. */
const LOGICAL = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'logicalAnd', 'logicalOr', 'logicalNot']);

/**
 * A device kernel computes in its operands' float32: a comparison gives a bool, anything else
 * keeps the dtype; other results, and arithmetic on bools (whose `add` is `or`), have no kernel.
 */
function checkResult(op: string, t: Tensor, outType: DType): void {
  const logical = LOGICAL.has(op);
  const fits =
    op === 'copy'
      ? outType === t.dtype
      : logical
        ? outType === 'bool'
        : outType === t.dtype && t.dtype === 'float32';
  if (!fits) {
    throw new Error(
      `${op}: a ${outType} result of a ${t.dtype} tensor on ${t.device} has no kernel there; move the tensor to host memory with \`await t.cpu()\` first`,
    );
  }
}

/**
 * A one-element host operand joins a device tensor by being copied there, as PyTorch lets a CPU
 * scalar join a CUDA tensor; a larger one must be moved explicitly.
 */
function onDeviceOf(op: string, t: Tensor, other: Tensor): Tensor {
  const device = other.storage.deviceBuffer;
  if (t.storage.deviceBuffer !== null || device === null) return t;
  requireJoinable(op, t, device);
  return new Tensor(
    uploadTo(device.device, t.dataSync(), t.dtype, op),
    t.dtype,
    t.shape,
    t.strides.map(() => 0),
    0,
  );
}

/** A host tensor may join `device`'s only as one element (a scalar), copied there. */
function requireJoinable(op: string, t: Tensor, device: DeviceBuffer): void {
  if (t.storage.deviceBuffer === null && t.numel !== 1) {
    throw new Error(
      `${op}: expected all tensors on the same device, but found one on ${device.device} and one on cpu ` +
        `(${formatShape(t.shape)}); move it with \`t.to('${device.device}')\``,
    );
  }
}

/** Why a float64 tensor `shape` cannot be on `device`, named after `op`. */
function float64Refused(op: string, device: string, shape: readonly number[]): Error {
  return new Error(
    `${op}: float64 tensors cannot live on ${device} (WGSL has no 64-bit float); ` +
      `keep float32 there, or move the tensor ${formatShape(shape)} with \`await t.cpu()\` first`,
  );
}

/**
 * Checks, before anything is converted, that the tensors among `operands` can meet on one device
 * as `dtype`: beside a device tensor a host one holds one element, and the result is not float64
 * (which a device cannot hold). Errors name `op`, not the conversion that would fail inside it.
 */
export function checkOperandDevices(op: string, operands: readonly unknown[], dtype: DType): void {
  const tensors = operands.filter((t): t is Tensor => t instanceof Tensor);
  const device = tensors.find((t) => t.storage.deviceBuffer !== null)?.storage.deviceBuffer;
  if (device === undefined || device === null) return;
  for (const t of tensors) requireJoinable(op, t, device);
  if (dtype === 'float64') throw float64Refused(op, device.device, tensors[0].shape);
}

/** `tensors` with each one-element host operand copied to the device the others live on. */
export function sameDevice(op: string, tensors: readonly Tensor[]): Tensor[] {
  const onDevice = tensors.find((t) => t.storage.deviceBuffer !== null);
  return onDevice === undefined ? [...tensors] : tensors.map((t) => onDeviceOf(op, t, onDevice));
}

/** A strided kernel's storage argument: the host array, or the device's buffer (kernels tell them apart). */
export function kernelOperandOf(t: Tensor, op: string): TypedArray {
  return t.storage.deviceBuffer === null ? hostArray(t, op) : operand(t, op);
}

export function deviceBinary(
  op: string,
  f: BinaryFn,
  a: Tensor,
  b: Tensor,
  shape: readonly number[],
  outType: DType,
): Tensor {
  const x = onDeviceOf(op, a, b);
  const y = onDeviceOf(op, b, a);
  checkResult(op, x, outType);
  const result = zipStrided(
    f,
    operand(x, op),
    broadcastStrides(x, shape),
    x.offset,
    operand(y, op),
    broadcastStrides(y, shape),
    y.offset,
    shape,
    null as unknown as TypedArray,
    op,
  ) as unknown as DeviceBuffer;
  return new Tensor(new Storage(null, result), outType, shape);
}

export function deviceUnary(f: UnaryFn, x: Tensor, outType: DType, op?: string): Tensor {
  // Unnamed maps (casts, exp, clamp, ...) have no device kernel: only named ones run there.
  const name = op ?? (f.name || 'an unnamed elementwise map');
  if (op === undefined) throw deviceError(name, x.device, x.shape);
  checkResult(name, x, outType);
  const result = mapStrided(
    f,
    operand(x, name),
    x.shape,
    x.strides,
    x.offset,
    null as unknown as TypedArray,
    op,
  ) as unknown as DeviceBuffer;
  return new Tensor(new Storage(null, result), outType, x.shape);
}

/**
 * `x` converted to `dtype` on its device (the kernel named `cast.<from>.<to>`). WGSL has no
 * f64, so float64 has no device kind: such a cast fails saying so.
 */
export function deviceCast(x: Tensor, dtype: DType): Tensor {
  const op = `to('${dtype}')`;
  if (dtype === 'float64' || x.dtype === 'float64') throw float64Refused(op, x.device, x.shape);
  const result = mapStrided(
    (v) => v,
    operand(x, op),
    x.shape,
    x.strides,
    x.offset,
    null as unknown as TypedArray,
    `cast.${x.dtype}.${dtype}`,
  ) as unknown as DeviceBuffer;
  return new Tensor(new Storage(null, result), dtype, x.shape);
}

/**
 * A floating tensor's values for a kernel that takes device operands (the conv2d kernels): the
 * device buffer itself when `t` is a whole contiguous device storage (a view is copied on the
 * device first), else `floatData`'s host array. Only ops whose every kernel either has a device
 * version or refuses device operands (registry.ts) may use this, never code that reads elements.
 */
export function kernelOperand(op: string, t: Tensor, what = 'input'): FloatArray {
  const buffer = t.storage.deviceBuffer;
  if (buffer === null) return floatData(op, t, what);
  requireDeviceBackend(op, t);
  const whole = t.isContiguous() && t.offset === 0 && buffer.length === t.numel;
  const dense = whole ? t : deviceUnary((v) => v, t, t.dtype, 'copy');
  return dense.storage.deviceBuffer as unknown as FloatArray;
}

/** A kernel's result as a tensor: on the device when the kernel returned a device's storage. */
export function kernelResult(out: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  if (isDeviceBuffer(out)) return new Tensor(new Storage(null, out), dtype, shape);
  return Tensor.fromArray(out, shape, dtype);
}

/** `length` float32 zeros in a storage on `device`, for a kernel that writes into its output (gemm). */
export function deviceZeros(
  device: Exclude<DeviceBuffer['device'], 'cpu'>,
  length: number,
  op: string,
): TypedArray {
  return uploadTo(device, new Float32Array(length), 'float32', op).deviceBuffer as unknown as TypedArray;
}
