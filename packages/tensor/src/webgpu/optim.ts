import { checkArray, checkSameDevice } from './checks.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * SGD and Adam/AdamW steps in place, one thread per parameter element, in the order of
 * @fovea/optim's updates (sgd.ts, adam-update.ts), which follow torch/optim's single-tensor
 * paths. The host keeps the step count and computes the bias corrections in double precision.
 */

/** The hyperparameters of {@link sgdStep}, as `torch.optim.SGD` takes them. */
export interface SgdStepOptions {
  /** The learning rate. */
  readonly lr: number;
  /** The momentum factor; 0 by default. */
  readonly momentum?: number;
  /** The dampening of momentum; 0 by default. */
  readonly dampening?: number;
  /** L2 penalty added to the gradient; 0 by default. */
  readonly weightDecay?: number;
  /** Nesterov momentum; false by default. */
  readonly nesterov?: boolean;
  /** Ascend instead of descend; false by default. */
  readonly maximize?: boolean;
}

/** The hyperparameters of {@link adamStep}, as `torch.optim.Adam` and `AdamW` take them. */
export interface AdamStepOptions {
  /** The learning rate. */
  readonly lr: number;
  /** The decay rates of the two moment estimates; `[0.9, 0.999]` by default. */
  readonly betas?: readonly [number, number];
  /** Added to the denominator for stability; 1e-8 by default. */
  readonly eps?: number;
  /** The weight decay; 0 by default. */
  readonly weightDecay?: number;
  /** Use the maximum of past second moments (AMSGrad); false by default. */
  readonly amsgrad?: boolean;
  /** Ascend instead of descend; false by default. */
  readonly maximize?: boolean;
  /** AdamW: weight decay applied to the parameter as p·(1 - lr·λ) instead of added to the gradient. */
  readonly decoupledWeightDecay?: boolean;
}

const SGD: KernelSource = {
  name: 'sgdStep',
  params: [
    ['maximize', 'i32'],
    ['hasMomentum', 'i32'],
    ['firstStep', 'i32'],
    ['nesterov', 'i32'],
    ['lr', 'f32'],
    ['momentum', 'f32'],
    ['dampening', 'f32'],
    ['weightDecay', 'f32'],
  ],
  buffers: [
    { name: 'param', type: 'f32', access: 'read_write' },
    { name: 'grad', type: 'f32', access: 'read' },
    { name: 'buf', type: 'f32', access: 'read_write' },
  ],
  body: `
  var g = grad[i];
  if (P.maximize != 0) { g = -g; }
  if (P.weightDecay != 0.0) { g = g + param[i] * P.weightDecay; }
  if (P.hasMomentum != 0) {
    var b = g;
    if (P.firstStep == 0) { b = buf[i] * P.momentum + g * (1.0 - P.dampening); }
    buf[i] = b;
    if (P.nesterov != 0) { g = g + b * P.momentum; } else { g = b; }
  }
  param[i] = param[i] + g * -P.lr;`,
};

// lerp as ATen: self + w (end - self) for |w| < 0.5, end - (end - self)(1 - w) otherwise.
const ADAM: KernelSource = {
  name: 'adamStep',
  params: [
    ['maximize', 'i32'],
    ['amsgrad', 'i32'],
    ['decoupled', 'i32'],
    ['lr', 'f32'],
    ['beta1', 'f32'],
    ['beta2', 'f32'],
    ['eps', 'f32'],
    ['weightDecay', 'f32'],
    ['stepSize', 'f32'],
    ['biasCorrection2Sqrt', 'f32'],
  ],
  buffers: [
    { name: 'param', type: 'f32', access: 'read_write' },
    { name: 'grad', type: 'f32', access: 'read' },
    { name: 'expAvg', type: 'f32', access: 'read_write' },
    { name: 'expAvgSq', type: 'f32', access: 'read_write' },
    { name: 'maxExpAvgSq', type: 'f32', access: 'read_write' },
  ],
  body: `
  var g = grad[i];
  if (P.maximize != 0) { g = -g; }
  var p = param[i];
  if (P.weightDecay != 0.0) {
    if (P.decoupled != 0) { p = p * (1.0 - P.lr * P.weightDecay); } else { g = g + p * P.weightDecay; }
  }
  let w = 1.0 - P.beta1;
  let m0 = expAvg[i];
  let diff = g - m0;
  var m = m0 + diff * w;
  if (abs(w) >= 0.5) { m = g - diff * (1.0 - w); }
  expAvg[i] = m;
  let v = expAvgSq[i] * P.beta2 + g * (1.0 - P.beta2) * g;
  expAvgSq[i] = v;
  var vHat = v;
  if (P.amsgrad != 0) {
    vHat = max(maxExpAvgSq[i], v);
    maxExpAvgSq[i] = vHat;
  }
  let denom = sqrt(vHat) / P.biasCorrection2Sqrt + P.eps;
  param[i] = p + m * -P.stepSize / denom;`,
};

/**
 * One SGD step on `param` in place. `momentumBuffer` (the parameter's size) is required when
 * momentum is non-zero: on the first step it is set to the gradient, as torch.optim.SGD does.
 *
 * @param param - The parameter, updated in place.
 * @param grad - Its gradient.
 * @param momentumBuffer - The momentum buffer, or null without momentum.
 * @param options - The hyperparameters.
 * @param firstStep - Whether this is the parameter's first step.
 */
export function sgdStep(
  param: GpuArray,
  grad: GpuArray,
  momentumBuffer: GpuArray | null,
  options: SgdStepOptions,
  firstStep: boolean,
): void {
  const op = 'SGD step';
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options;
  checkArray(op, 'grad', grad, [param.length]);
  if (momentum !== 0) {
    if (momentumBuffer === null) throw new Error(`${op}: momentum ${momentum} needs a momentum buffer`);
    checkArray(op, 'momentum buffer', momentumBuffer, [param.length]);
  }
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new Error(`${op}: Nesterov momentum requires a momentum and zero dampening`);
  }
  checkSameDevice(op, [param, grad, momentumBuffer]);
  const flags = [maximize ? 1 : 0, momentum !== 0 ? 1 : 0, firstStep ? 1 : 0, nesterov ? 1 : 0];
  param.gpu.run(
    SGD,
    param.length,
    [param, grad, momentum !== 0 ? momentumBuffer : null],
    [...flags, lr, momentum, dampening, weightDecay],
  );
}

/**
 * One Adam (or AdamW) step on `param` in place; `step` counts from 1 (this step included).
 * `maxExpAvgSq` is required under amsgrad. The moment buffers start as zeros.
 *
 * @param param - The parameter, updated in place.
 * @param grad - Its gradient.
 * @param expAvg - The first moment estimate, updated in place.
 * @param expAvgSq - The second moment estimate, updated in place.
 * @param maxExpAvgSq - The running maximum of the second moment under amsgrad, else null.
 * @param options - The hyperparameters.
 * @param step - The step number, from 1.
 */
export function adamStep(
  param: GpuArray,
  grad: GpuArray,
  expAvg: GpuArray,
  expAvgSq: GpuArray,
  maxExpAvgSq: GpuArray | null,
  options: AdamStepOptions,
  step: number,
): void {
  const op = options.decoupledWeightDecay ? 'AdamW step' : 'Adam step';
  const {
    lr,
    betas = [0.9, 0.999],
    eps = 1e-8,
    weightDecay = 0,
    amsgrad = false,
    maximize = false,
  } = options;
  if (!Number.isInteger(step) || step < 1)
    throw new Error(`${op}: step must be a positive integer, got ${step}`);
  const size = [param.length];
  checkArray(op, 'grad', grad, size);
  checkArray(op, 'exp_avg', expAvg, size);
  checkArray(op, 'exp_avg_sq', expAvgSq, size);
  if (amsgrad) {
    if (maxExpAvgSq === null) throw new Error(`${op}: amsgrad needs a max_exp_avg_sq buffer`);
    checkArray(op, 'max_exp_avg_sq', maxExpAvgSq, size);
  }
  checkSameDevice(op, [param, grad, expAvg, expAvgSq, maxExpAvgSq]);
  const [beta1, beta2] = betas;
  const stepSize = lr / (1 - beta1 ** step);
  const biasCorrection2Sqrt = (1 - beta2 ** step) ** 0.5;
  const flags = [maximize ? 1 : 0, amsgrad ? 1 : 0, options.decoupledWeightDecay ? 1 : 0];
  param.gpu.run(
    ADAM,
    param.length,
    [param, grad, expAvg, expAvgSq, amsgrad ? maxExpAvgSq : null],
    [...flags, lr, beta1, beta2, eps, weightDecay, stepSize, biasCorrection2Sqrt],
  );
}
