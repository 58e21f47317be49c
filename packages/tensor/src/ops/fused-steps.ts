import { needsGrad } from '../autograd.js';
import { checkOptions } from '../checks.js';
import { noteKernelRun, selectedBackend } from '../kernels/registry.js';
import type { Device, DeviceBuffer } from '../storage.js';
import type { Tensor } from '../tensor.js';
import { kernelOperand } from './device.js';
import { requireTensor } from './operands.js';

/**
 * Optimizer steps as one kernel per parameter, as PyTorch's `torch._fused_sgd_` and
 * `torch._fused_adam_`: for @fovea/optim, which takes them where a device offers them (the
 * 'webgpu' backend registers its WGSL steps, webgpu/optim.ts) and otherwise composes the step
 * from tensor ops. Each returns whether it took the step; it takes it only when the parameter and
 * its state are whole float32 buffers of the selected backend's device and nothing records
 * gradients through them. `traceKernels` lists them as `sgdStep` and `adamStep`.
 */

/** SGD's options, as @fovea/optim's `SGDOptions` (already checked there). */
export interface FusedSgdOptions {
  /** Learning rate. */
  readonly lr: number;
  /** Momentum factor (0: none). */
  readonly momentum: number;
  /** Dampening of the momentum. */
  readonly dampening: number;
  /** L2 penalty added to the gradient. */
  readonly weightDecay: number;
  /** Nesterov momentum. */
  readonly nesterov: boolean;
  /** Maximise the objective instead of minimising it. */
  readonly maximize: boolean;
}

/** Adam's and AdamW's options, as @fovea/optim's (already checked there). */
export interface FusedAdamOptions {
  /** Learning rate. */
  readonly lr: number;
  /** Decay rates of the first and second moment estimates. */
  readonly betas: readonly [number, number];
  /** Added to the denominator for numerical stability. */
  readonly eps: number;
  /** Weight decay: an L2 penalty, or decoupled (AdamW). */
  readonly weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad). */
  readonly amsgrad: boolean;
  /** Maximise the objective instead of minimising it. */
  readonly maximize: boolean;
  /** AdamW: decay the parameter as p (1 - lr λ) instead of adding λ p to the gradient. */
  readonly decoupledWeightDecay: boolean;
}

/** A device's fused steps over its buffers, written in place (`param` and the state). */
export interface FusedStepKernels {
  sgdStep(
    param: DeviceBuffer,
    grad: DeviceBuffer,
    momentumBuffer: DeviceBuffer | null,
    options: FusedSgdOptions,
    firstStep: boolean,
  ): void;
  adamStep(
    param: DeviceBuffer,
    grad: DeviceBuffer,
    expAvg: DeviceBuffer,
    expAvgSq: DeviceBuffer,
    maxExpAvgSq: DeviceBuffer | null,
    options: FusedAdamOptions,
    step: number,
  ): void;
}

const devices: Partial<Record<Device, FusedStepKernels>> = {};

/** @internal Called by a device backend when it opens (webgpu/backend.ts). */
export function registerFusedSteps(device: Exclude<Device, 'cpu'>, kernels: FusedStepKernels): void {
  devices[device] = kernels;
}

/** The arguments' types, checked before anything reads them (a wrong call names the function). */
function checkArguments(
  op: string,
  tensors: Record<string, unknown>,
  nullable: readonly string[],
  options: unknown,
): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t === null && nullable.includes(name))) requireTensor(op, t, name);
  }
  checkOptions(op, options as object);
}

/** The device's kernels when every tensor is a whole float32 buffer there and none records a gradient. */
function fusedKernels(written: readonly (Tensor | null)[]): FusedStepKernels | null {
  const present = written.filter((t): t is Tensor => t !== null);
  const device = present[0].device;
  const kernels = devices[device];
  if (kernels === undefined || device !== selectedBackend() || needsGrad(...present)) return null;
  const whole = (t: Tensor) =>
    t.device === device &&
    t.dtype === 'float32' &&
    t.isContiguous() &&
    t.offset === 0 &&
    t.numel === present[0].numel &&
    t.storage.deviceBuffer!.length === t.numel;
  return present.every(whole) ? kernels : null;
}

/** The gradient's buffer, copied on the device first when it is a view. */
function gradBuffer(grad: Tensor): DeviceBuffer {
  return kernelOperand('fused step', grad, 'grad') as unknown as DeviceBuffer;
}

function bumpVersions(written: readonly (Tensor | null)[]): void {
  for (const t of written) if (t !== null) t.storage.markWritten();
}

/**
 * One SGD step on `param` in place, `momentumBuffer` (required under momentum) set to the
 * gradient on the first step as torch.optim.SGD does.
 *
 * @param param - The parameter, updated in place.
 * @param grad - Its gradient.
 * @param momentumBuffer - Its momentum buffer under momentum, else null.
 * @param options - The step's options.
 * @param firstStep - Whether this is the parameter's first step (the buffer is then set).
 * @returns Whether the fused kernel took the step (false: compose it from tensor ops).
 */
export function fusedSgdStep_(
  param: Tensor,
  grad: Tensor,
  momentumBuffer: Tensor | null,
  options: FusedSgdOptions,
  firstStep: boolean,
): boolean {
  checkArguments('fusedSgdStep_', { param, grad, momentumBuffer }, ['momentumBuffer'], options);
  const written = [param, momentumBuffer];
  const kernels = fusedKernels(written);
  if (kernels === null || grad.device !== param.device || grad.dtype !== 'float32') return false;
  const buffer = momentumBuffer?.storage.deviceBuffer ?? null;
  kernels.sgdStep(param.storage.deviceBuffer!, gradBuffer(grad), buffer, options, firstStep);
  bumpVersions(written);
  noteKernelRun('sgdStep', selectedBackend());
  return true;
}

/**
 * One Adam or AdamW step on `param` and its moments in place.
 *
 * @param param - The parameter, updated in place.
 * @param grad - Its gradient.
 * @param expAvg - The first moment estimate, updated in place.
 * @param expAvgSq - The second moment estimate, updated in place.
 * @param maxExpAvgSq - The maximum second moment under amsgrad, else null.
 * @param options - The step's options.
 * @param step - The step count, from 1, this step included.
 * @returns Whether the fused kernel took the step (false: compose it from tensor ops).
 */
export function fusedAdamStep_(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  maxExpAvgSq: Tensor | null,
  options: FusedAdamOptions,
  step: number,
): boolean {
  checkArguments('fusedAdamStep_', { param, grad, expAvg, expAvgSq, maxExpAvgSq }, ['maxExpAvgSq'], options);
  const written = [param, expAvg, expAvgSq, maxExpAvgSq];
  const kernels = fusedKernels(written);
  if (kernels === null || grad.device !== param.device || grad.dtype !== 'float32') return false;
  const [p, m, v] = [param, expAvg, expAvgSq].map((t) => t.storage.deviceBuffer!);
  kernels.adamStep(p, gradBuffer(grad), m, v, maxExpAvgSq?.storage.deviceBuffer ?? null, options, step);
  bumpVersions(written);
  noteKernelRun('adamStep', selectedBackend());
  return true;
}
