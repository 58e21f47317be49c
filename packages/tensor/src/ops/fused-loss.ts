import { record } from '../autograd.js';
import { checkOptions } from '../checks.js';
import { noteKernelRun, selectedBackend } from '../kernels/registry.js';
import { type Device, type DeviceBuffer, Storage, uploadTo } from '../storage.js';
import { Tensor } from '../tensor.js';
import { kernelOperand } from './device.js';
import { requireTensor } from './operands.js';

/**
 * Cross-entropy on class indices as log-softmax then NLL kernels of a device (the 'webgpu'
 * backend registers its WGSL ones, webgpu/loss.ts), for @fovea/nn's `crossEntropy`, which
 * composes it from tensor ops elsewhere: the forward is two kernels and the backward two, where
 * the composition runs a dozen. `traceKernels` lists them as `logSoftmax`, `nllLoss`,
 * `nllLossBackward` and `logSoftmaxBackward`.
 */

/** How per-sample losses are reduced. */
export type FusedReduction = 'none' | 'sum' | 'mean';

/** Cross-entropy's options, as @fovea/nn's `crossEntropy`. */
export interface FusedCrossEntropyOptions {
  /** Class weights [C] on the input's device, or null. */
  readonly weight: Tensor | null;
  /** A target value that counts for nothing (-100). */
  readonly ignoreIndex: number;
  /** 'mean' (over the weights of the counted targets), 'sum' or 'none'. */
  readonly reduction: FusedReduction;
}

interface Targets {
  readonly labels: DeviceBuffer;
  readonly weight: DeviceBuffer | null;
  readonly ignoreIndex: number;
  readonly reduction: FusedReduction;
}

/** A device's kernels over [N, C] logits and [N] int32 labels. */
export interface FusedCrossEntropyKernels {
  forward(
    x: DeviceBuffer,
    shape: readonly number[],
    targets: Targets,
  ): { logp: DeviceBuffer; loss: DeviceBuffer };
  backward(gloss: DeviceBuffer, logp: DeviceBuffer, shape: readonly number[], targets: Targets): DeviceBuffer;
}

const devices: Partial<Record<Device, FusedCrossEntropyKernels>> = {};

/** @internal Called by a device backend when it opens (webgpu/register-training.ts). */
export function registerFusedCrossEntropy(
  device: Exclude<Device, 'cpu'>,
  kernels: FusedCrossEntropyKernels,
): void {
  devices[device] = kernels;
}

const deviceTensor = (buffer: DeviceBuffer, shape: readonly number[]) =>
  new Tensor(new Storage(null, buffer), 'float32', shape);

/**
 * cross_entropy(input [N, C], target [N]) on the input's device, or null where no fused kernel
 * applies (a host or float64 input, a backend other than the input's, a target not [N]).
 * `target` holds int32 class indices in host memory; one outside [0, C) fails as in PyTorch.
 *
 * @param input - Logits [N, C] on a device.
 * @param target - Class indices [N], int32, in host memory.
 * @param options - Class weights, ignoreIndex and reduction.
 * @returns The loss (one value, or [N] for 'none'), differentiable in `input`; or null.
 */
export function fusedCrossEntropy(
  input: Tensor,
  target: Tensor,
  options: FusedCrossEntropyOptions,
): Tensor | null {
  requireTensor('fusedCrossEntropy', input, 'input');
  requireTensor('fusedCrossEntropy', target, 'target');
  const {
    weight = null,
    ignoreIndex = -100,
    reduction = 'mean',
  } = checkOptions('fusedCrossEntropy', options);
  if (weight !== null) requireTensor('fusedCrossEntropy', weight, 'weight');
  const kernels = devices[input.device];
  const usable =
    kernels !== undefined &&
    input.device === selectedBackend() &&
    input.ndim === 2 &&
    input.dtype === 'float32' &&
    target.dtype === 'int32' &&
    target.device === 'cpu' &&
    target.ndim === 1 &&
    target.shape[0] === input.shape[0] &&
    (weight === null ||
      (weight.device === input.device && weight.dtype === 'float32' && !weight.requiresGrad));
  if (!usable) return null;
  const op = 'cross_entropy';
  const labels = target.contiguous().dataSync();
  for (const label of labels) {
    if (label !== ignoreIndex && (label < 0 || label >= input.shape[1]))
      throw new Error(`Target ${label} is out of bounds.`);
  }
  const device = input.device as Exclude<Device, 'cpu'>;
  const targets: Targets = {
    labels: uploadTo(device, labels, 'int32', op).deviceBuffer!,
    weight: weight === null ? null : (kernelOperand(op, weight, 'weight') as unknown as DeviceBuffer),
    ignoreIndex,
    reduction,
  };
  const x = kernelOperand(op, input) as unknown as DeviceBuffer;
  const { logp, loss } = kernels.forward(x, input.shape, targets);
  noteKernelRun('logSoftmax', device);
  noteKernelRun('nllLoss', device);
  const result = deviceTensor(loss, reduction === 'none' ? [input.shape[0]] : []);
  return record('NllLossBackward0', result, [input], (g) => {
    const gloss = kernelOperand('cross_entropy backward', g, 'grad_output') as unknown as DeviceBuffer;
    const gx = kernels.backward(gloss, logp, input.shape, targets);
    noteKernelRun('nllLossBackward', device);
    noteKernelRun('logSoftmaxBackward', device);
    return [deviceTensor(gx, input.shape)];
  });
}
