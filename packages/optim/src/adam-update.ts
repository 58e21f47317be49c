import { fusedAdamStep_, type Tensor, zerosLike } from '@fovea/tensor';
import { requireBetas, requireBoolean, requireNonNegative } from './checks.js';
import type { OptimizerOptions, ParamGroup } from './optimizer.js';
import { addcdiv_, addcmul_, addScaled, lerp_, maximum_ } from './pointwise.js';

export interface AdamCommonOptions extends OptimizerOptions {
  /** Learning rate. */
  lr: number;
  /** Decay rates of the first and second moment estimates. */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** Weight decay λ: an L2 penalty added to the gradient (AdamW: decoupled). */
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad). */
  amsgrad: boolean;
  /** Maximise the objective instead of minimising it. */
  maximize: boolean;
}

/** What Adam and AdamW keep per parameter, as PyTorch's `state[p]`: the step and the moment estimates. */
export type AdamState = {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
  maxExpAvgSq: Tensor;
};

/** Adam's and AdamW's checks, in torch/optim/adam.py's order. */
export function checkAdamOptions(owner: string, o: AdamCommonOptions): void {
  requireNonNegative(owner, 'lr', o.lr, 'Invalid learning rate');
  requireNonNegative(owner, 'eps', o.eps, 'Invalid epsilon value');
  requireBetas(owner, o.betas);
  requireNonNegative(owner, 'weightDecay', o.weightDecay, 'Invalid weight_decay value');
  requireBoolean(owner, 'amsgrad', o.amsgrad);
  requireBoolean(owner, 'maximize', o.maximize);
}

/**
 * One Adam step for one parameter, as `_single_tensor_adam` in torch/optim/adam.py (the path
 * without capturable or differentiable): weight decay added to the gradient, or, decoupled
 * (AdamW), applied to the parameter as p·(1 - lr·λ); then
 *   m = lerp(m, g, 1 - β1),  v = β2·v + (1 - β2)·g²,
 *   denom = sqrt(v) / sqrt(1 - β2^t) + eps,  p = p - (lr / (1 - β1^t))·m / denom,
 * with v replaced by its running maximum under amsgrad.
 */
export function adamUpdate(
  param: Tensor,
  g: Tensor,
  state: Partial<AdamState>,
  group: ParamGroup<AdamCommonOptions>,
  decoupledWeightDecay: boolean,
): void {
  const {
    lr,
    betas: [beta1, beta2],
    eps,
    weightDecay,
    amsgrad,
    maximize,
  } = group;
  if (state.step === undefined) {
    state.step = 0;
    state.expAvg = zerosLike(param);
    state.expAvgSq = zerosLike(param);
  }
  if (amsgrad && state.maxExpAvgSq === undefined) state.maxExpAvgSq = zerosLike(param);
  const expAvg = state.expAvg!;
  const expAvgSq = state.expAvgSq!;
  // One kernel for the whole update where the device has it (webgpu).
  const maxExpAvgSq = amsgrad ? state.maxExpAvgSq! : null;
  const options = { ...group, decoupledWeightDecay };
  if (
    param.device !== 'cpu' &&
    fusedAdamStep_(param, g, expAvg, expAvgSq, maxExpAvgSq, options, state.step + 1)
  ) {
    state.step += 1;
    return;
  }

  let grad = maximize ? g.neg() : g;
  state.step += 1;
  if (weightDecay !== 0) {
    if (decoupledWeightDecay) param.mul_(1 - lr * weightDecay);
    else grad = addScaled(grad, param, weightDecay);
  }

  lerp_(expAvg, grad, 1 - beta1);
  addcmul_(expAvgSq.mul_(beta2), grad, grad, 1 - beta2);

  const step = state.step;
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const stepSize = lr / biasCorrection1;
  const biasCorrection2Sqrt = biasCorrection2 ** 0.5;

  let denom: Tensor;
  if (amsgrad) {
    const maxExpAvgSq = maximum_(state.maxExpAvgSq!, expAvgSq);
    denom = maxExpAvgSq.sqrt().div(biasCorrection2Sqrt).add_(eps);
  } else {
    denom = expAvgSq.sqrt().div(biasCorrection2Sqrt).add_(eps);
  }
  addcdiv_(param, expAvg, denom, -stepSize);
}
