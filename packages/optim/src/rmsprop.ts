import { type Tensor, zerosLike } from '@fovea/tensor';
import { requireBoolean, requireNonNegative } from './checks.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { addcdiv_, addcmul, addcmul_, addScaled, addScaled_, lerp_ } from './pointwise.js';

export interface RMSpropOptions extends OptimizerOptions {
  /** Learning rate. */
  lr: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha: number;
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** Weight decay λ: an L2 penalty added to the gradient (AdamW: decoupled). */
  weightDecay: number;
  /** Momentum factor μ (0: none). */
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment. */
  centered: boolean;
  /** Maximise the objective instead of minimising it. */
  maximize: boolean;
}

/** What RMSprop keeps per parameter, as PyTorch's `state[p]`: the step and its running averages. */
export type RMSpropState = {
  step: number;
  squareAvg: Tensor;
  momentumBuffer: Tensor;
  gradAvg: Tensor;
};

const defaults: RMSpropOptions = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

/**
 * RMSprop (Hinton's lecture 6e), as torch.optim.RMSprop (`_single_tensor_rmsprop`):
 * v = α·v + (1 - α)·g², avg = sqrt(v) + eps (centered: sqrt(v - ḡ²) + eps with
 * ḡ = lerp(ḡ, g, 1 - α)); then p = p - lr·g / avg, or with momentum b = μ·b + g / avg,
 * p = p - lr·b.
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  /**
   * Creates the optimizer over `params`.
   *
   * @param params - The tensors to optimise (`module.parameters()`), or groups `{ params,
   * ...options }` whose options override `options`.
   * @param options - `lr` (1e-2), `alpha` (0.99), `eps` (1e-8), `weightDecay` (0), `momentum` (0),
   * `centered` (false), `maximize` (false).
   * @throws PyTorch's message for an invalid option (`Invalid learning rate: -1`).
   */
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super('RMSprop', params, defaults, options);
  }

  /**
   * Throws PyTorch's message for an invalid option.
   *
   * @param o - The options of the optimizer or of a group.
   */
  protected checkOptions(o: RMSpropOptions): void {
    requireNonNegative(this.name, 'lr', o.lr, 'Invalid learning rate');
    requireNonNegative(this.name, 'eps', o.eps, 'Invalid epsilon value');
    requireNonNegative(this.name, 'momentum', o.momentum, 'Invalid momentum value');
    requireNonNegative(this.name, 'weightDecay', o.weightDecay, 'Invalid weight_decay value');
    requireNonNegative(this.name, 'alpha', o.alpha, 'Invalid alpha value');
    requireBoolean(this.name, 'centered', o.centered);
    requireBoolean(this.name, 'maximize', o.maximize);
  }

  /**
   * One step of the update on one parameter, in place (see the class description).
   *
   * @param param - The parameter.
   * @param g - Its gradient, in its dtype.
   * @param state - Its state, filled at the first step.
   * @param group - Its group's options.
   */
  protected updateParam(
    param: Tensor,
    g: Tensor,
    state: Partial<RMSpropState>,
    group: ParamGroup<RMSpropOptions>,
  ): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    if (state.step === undefined) {
      state.step = 0;
      state.squareAvg = zerosLike(param);
    }
    if (momentum > 0 && state.momentumBuffer === undefined) state.momentumBuffer = zerosLike(param);
    if (centered && state.gradAvg === undefined) state.gradAvg = zerosLike(param);
    const squareAvg = state.squareAvg!;

    let grad = maximize ? g.neg() : g;
    state.step += 1;
    if (weightDecay !== 0) grad = addScaled(grad, param, weightDecay);

    addcmul_(squareAvg.mul_(alpha), grad, grad, 1 - alpha);
    let avg: Tensor;
    if (centered) {
      const gradAvg = lerp_(state.gradAvg!, grad, 1 - alpha);
      avg = addcmul(squareAvg, gradAvg, gradAvg, -1).sqrt();
    } else {
      avg = squareAvg.sqrt();
    }
    avg.add_(eps);

    if (momentum > 0) {
      const buf = state.momentumBuffer!;
      addcdiv_(buf.mul_(momentum), grad, avg, 1);
      addScaled_(param, buf, -lr);
    } else {
      addcdiv_(param, grad, avg, -lr);
    }
  }
}
