import type { TypedArray } from '../dtype.js';
import type * as activationReference from '../kernels/activation.js';
import type * as adaptiveReference from '../kernels/adaptive-pool2d.js';
import type * as addScaledReference from '../kernels/add-scaled.js';
import type * as corr2dReference from '../kernels/corr2d.js';
import type * as crossEntropyReference from '../kernels/cross-entropy.js';
import type * as padReference from '../kernels/pad.js';
import type * as poolReference from '../kernels/pool2d.js';
import type * as reduceReference from '../kernels/reduce.js';
import { DECLINED, registerKernel } from '../kernels/registry.js';
import type * as stridedReference from '../kernels/strided.js';
import type * as whereReference from '../kernels/where.js';
import { registerFusedSteps } from '../ops/fused-steps.js';
import type { DeviceBuffer } from '../storage.js';
import * as adaptive from './adaptive-pool2d.js';
import { corr2d } from './corr2d.js';
import { GpuStorage, onDevice } from './device-storage.js';
import { activationBackward, unary } from './elementwise.js';
import * as loss from './loss.js';
import { adamStep, sgdStep } from './optim.js';
import * as pad from './pad.js';
import * as pool from './pool2d.js';
import type { GpuArray } from './runtime.js';
import { extremumBlocks, where } from './select.js';
import { addScaledInPlace, scatterStrided } from './write.js';

/**
 * The webgpu kernels of the training path beyond conv2d, matmul and elementwise maps
 * (backend.ts): pooling, padding, max/min along a dimension, `where`, sigmoid, cross-entropy,
 * and the in-place writes optimizers make. As there, a kernel takes a call only when its operands are storages of the
 * device and the op passed no host `out` (it allocates the result and returns its storage);
 * anything else it declines, and the registry runs the reference on host operands or refuses
 * device ones, visibly (traceKernels).
 */

// biome-ignore lint/suspicious/noExplicitAny: a device storage stands where the reference returns an array.
type DeviceResult = any;

const hasOut = (out: unknown) => out !== undefined && out !== null;

function webGpuMaxPool2dForward(
  ...[x, xShape, params, out]: Parameters<typeof poolReference.maxPool2dForward>
): DeviceResult {
  const xs = onDevice(x);
  if (xs === null || hasOut(out)) return DECLINED;
  const result = pool.maxPool2dForward(xs, xShape, params);
  return {
    out: new GpuStorage(result.out),
    outShape: result.outShape,
    indices: new GpuStorage(result.indices),
  };
}

function webGpuMaxPool2dBackward(
  ...[gy, gyShape, indices, xShape, out]: Parameters<typeof poolReference.maxPool2dBackward>
): DeviceResult {
  const [gys, at] = [onDevice(gy), onDevice(indices, 'int32')];
  if (gys === null || at === null || hasOut(out)) return DECLINED;
  return new GpuStorage(pool.maxPool2dBackward(gys, gyShape, at, xShape));
}

function webGpuAvgPool2dForward(
  ...[x, xShape, params, out]: Parameters<typeof poolReference.avgPool2dForward>
): DeviceResult {
  const xs = onDevice(x);
  if (xs === null || hasOut(out)) return DECLINED;
  const result = pool.avgPool2dForward(xs, xShape, params);
  return { out: new GpuStorage(result.out), outShape: result.outShape };
}

function webGpuAvgPool2dBackward(
  ...[gy, gyShape, xShape, params, out]: Parameters<typeof poolReference.avgPool2dBackward>
): DeviceResult {
  const gys = onDevice(gy);
  if (gys === null || hasOut(out)) return DECLINED;
  return new GpuStorage(pool.avgPool2dBackward(gys, gyShape, xShape, params));
}

function webGpuAdaptiveAvgPool2dForward(
  ...[x, xShape, outputSize, out]: Parameters<typeof adaptiveReference.adaptiveAvgPool2dForward>
): DeviceResult {
  const xs = onDevice(x);
  if (xs === null || hasOut(out)) return DECLINED;
  const result = adaptive.adaptiveAvgPool2dForward(xs, xShape, outputSize);
  return { out: new GpuStorage(result.out), outShape: result.outShape };
}

function webGpuAdaptiveAvgPool2dBackward(
  ...[gy, gyShape, xShape, out]: Parameters<typeof adaptiveReference.adaptiveAvgPool2dBackward>
): DeviceResult {
  const gys = onDevice(gy);
  if (gys === null || hasOut(out)) return DECLINED;
  return new GpuStorage(adaptive.adaptiveAvgPool2dBackward(gys, gyShape, xShape));
}

function webGpuPad2d(
  ...[x, xShape, pads, mode, value, out]: Parameters<typeof padReference.pad2d>
): DeviceResult {
  const xs = onDevice(x);
  if (xs === null || hasOut(out)) return DECLINED;
  const result = pad.pad2d(xs, xShape, pads, mode, value);
  return { out: new GpuStorage(result.out), outShape: result.outShape };
}

function webGpuPad2dBackward(
  ...[gy, gyShape, xShape, pads, mode, out]: Parameters<typeof padReference.pad2dBackward>
): DeviceResult {
  const gys = onDevice(gy);
  if (gys === null || hasOut(out)) return DECLINED;
  return new GpuStorage(pad.pad2dBackward(gys, gyShape, xShape, pads, mode));
}

/** Values and positions as device storages; ops pass null for both (ops/reduce.ts). */
function webGpuExtremumBlocks(
  ...[src, outer, inner, sign, values, indices]: Parameters<typeof reduceReference.extremumBlocks>
): DeviceResult {
  const array = onDevice(src);
  if (array === null || values !== null || indices !== null) return DECLINED;
  const result = extremumBlocks(array, outer, inner, sign);
  return { values: new GpuStorage(result.values), indices: new GpuStorage(result.indices) };
}

function webGpuWhere(
  ...[c, cStrides, cOffset, a, aStrides, aOffset, b, bStrides, bOffset, shape, out]: Parameters<
    typeof whereReference.whereStrided
  >
): DeviceResult {
  const [cs, as, bs] = [onDevice(c), onDevice(a), onDevice(b)];
  if (cs === null || as === null || bs === null || hasOut(out)) return DECLINED;
  return new GpuStorage(where(cs, cStrides, cOffset, as, aStrides, aOffset, bs, bStrides, bOffset, shape));
}

function webGpuSigmoidForward(
  ...[x, out]: Parameters<typeof activationReference.sigmoidForward>
): DeviceResult {
  const xs = onDevice(x);
  if (xs === null || hasOut(out)) return DECLINED;
  return new GpuStorage(unary('sigmoid', xs, [xs.length], [1], 0));
}

function webGpuSigmoidBackward(
  ...[g, y, out]: Parameters<typeof activationReference.sigmoidBackward>
): DeviceResult {
  const [gs, ys] = [onDevice(g), onDevice(y)];
  if (gs === null || ys === null || hasOut(out)) return DECLINED;
  return new GpuStorage(activationBackward('sigmoid', gs, ys, [ys.length]));
}

/** Writes into a device array in place (ops/inplace.ts); returns nothing, as the reference. */
function webGpuScatterStrided(
  ...[values, dst, shape, strides, offset, accumulate]: Parameters<typeof stridedReference.scatterStrided>
): undefined | typeof DECLINED {
  const [vs, ds] = [onDevice(values), onDevice(dst)];
  if (vs === null || ds === null) return DECLINED;
  scatterStrided(vs, ds, shape, strides, offset, accumulate);
  return undefined;
}

function webGpuAddScaledInPlace(
  ...[target, other, alpha]: Parameters<typeof addScaledReference.addScaledInPlace>
): undefined | typeof DECLINED {
  const [ts, os] = [onDevice(target), onDevice(other)];
  if (ts === null || os === null) return DECLINED;
  addScaledInPlace(ts, os, alpha);
  return undefined;
}

/** The chapter's corr2d; the op passes a null `out` for device operands (ops/corr2d.ts). */
function webGpuCorr2d(...[x, h, w, k, kh, kw, out]: Parameters<typeof corr2dReference.corr2d>): DeviceResult {
  const [xs, ks] = [onDevice(x), onDevice(k)];
  if (xs === null || ks === null || hasOut(out)) return DECLINED;
  return new GpuStorage(corr2d(xs, h, w, ks, kh, kw));
}

/** The GPU array behind a storage the fused steps were given (ops/fused-steps.ts checked it). */
function arrayOf(buffer: DeviceBuffer): GpuArray {
  const array = onDevice(buffer);
  if (array === null) throw new Error('fused step: an operand is not a float32 array of the current device');
  return array;
}

/** The optimizers' steps as one kernel per parameter (webgpu/optim.ts), for @fovea/optim. */
function registerOptimizerSteps(): void {
  registerFusedSteps('webgpu', {
    sgdStep: (param, grad, buffer, options, firstStep) =>
      sgdStep(arrayOf(param), arrayOf(grad), buffer === null ? null : arrayOf(buffer), options, firstStep),
    adamStep: (param, grad, expAvg, expAvgSq, maxExpAvgSq, options, step) =>
      adamStep(
        arrayOf(param),
        arrayOf(grad),
        arrayOf(expAvg),
        arrayOf(expAvgSq),
        maxExpAvgSq === null ? null : arrayOf(maxExpAvgSq),
        options,
        step,
      ),
  });
}

/** NLL's options on the device: the class weights' array, or DECLINED when they are not on it. */
function nllOptions(targets: crossEntropyReference.CrossEntropyTargets): loss.NllLossOptions | null {
  const weight = targets.weight === null ? null : onDevice(targets.weight);
  if (targets.weight !== null && weight === null) return null;
  return { weight, ignoreIndex: targets.ignoreIndex, reduction: targets.reduction };
}

/** Cross-entropy as log-softmax along dim 1 then NLL (webgpu/loss.ts); the op checked the labels. */
function webGpuCrossEntropyForward(
  ...[x, shape, targets]: Parameters<typeof crossEntropyReference.crossEntropyForward>
): DeviceResult {
  const [xs, labels, options] = [onDevice(x), onDevice(targets.labels, 'int32'), nllOptions(targets)];
  if (xs === null || labels === null || options === null) return DECLINED;
  const logp = loss.logSoftmax(xs, shape, 1);
  const out = loss.nllLoss(logp, shape, labels, options);
  return { logp: new GpuStorage(logp), loss: new GpuStorage(out) };
}

function webGpuCrossEntropyBackward(
  ...[gloss, logp, shape, targets]: Parameters<typeof crossEntropyReference.crossEntropyBackward>
): DeviceResult {
  const [gs, ls, labels, options] = [
    onDevice(gloss),
    onDevice(logp),
    onDevice(targets.labels, 'int32'),
    nllOptions(targets),
  ];
  if (gs === null || ls === null || labels === null || options === null) return DECLINED;
  const glogp = loss.nllLossBackward(gs, shape, labels, options);
  const gx = loss.logSoftmaxBackward(glogp, ls, shape, 1);
  glogp.destroy();
  return new GpuStorage(gx);
}

/** Registers the kernels above under the names ops call (kernels/registered/). */
export function registerTrainingKernels(): void {
  const kernels: [string, (...args: never[]) => unknown][] = [
    ['corr2d', webGpuCorr2d],
    ['maxPool2dForward', webGpuMaxPool2dForward],
    ['maxPool2dBackward', webGpuMaxPool2dBackward],
    ['avgPool2dForward', webGpuAvgPool2dForward],
    ['avgPool2dBackward', webGpuAvgPool2dBackward],
    ['adaptiveAvgPool2dForward', webGpuAdaptiveAvgPool2dForward],
    ['adaptiveAvgPool2dBackward', webGpuAdaptiveAvgPool2dBackward],
    ['pad2d', webGpuPad2d],
    ['pad2dBackward', webGpuPad2dBackward],
    ['extremumBlocks', webGpuExtremumBlocks],
    ['whereStrided', webGpuWhere],
    ['sigmoidForward', webGpuSigmoidForward],
    ['sigmoidBackward', webGpuSigmoidBackward],
    ['scatterStrided', webGpuScatterStrided],
    ['addScaledInPlace', webGpuAddScaledInPlace],
    ['crossEntropyForward', webGpuCrossEntropyForward],
    ['crossEntropyBackward', webGpuCrossEntropyBackward],
  ];
  for (const [name, kernel] of kernels)
    registerKernel(name, 'webgpu', kernel as (...args: unknown[]) => TypedArray);
  registerOptimizerSteps();
}
