import { fullLike, type Tensor } from '@fovea/tensor';
import { requireBoolean, requireNonNegative } from './checks.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { addcdiv_, addcmul_, addScaled } from './pointwise.js';

export interface AdagradOptions extends OptimizerOptions {
  /** Learning rate. */
  lr: number;
  /** Learning-rate decay per step. */
  lrDecay: number;
  /** Weight decay λ: an L2 penalty added to the gradient (AdamW: decoupled). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients. */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** Maximise the objective instead of minimising it. */
  maximize: boolean;
}

/** What Adagrad keeps per parameter, as PyTorch's `state[p]`: the step and the sum of squared gradients. */
export type AdagradState = {
  step: number;
  sum: Tensor;
};

const defaults: AdagradOptions = {
  lr: 1e-2,
  lrDecay: 0,
  weightDecay: 0,
  initialAccumulatorValue: 0,
  eps: 1e-10,
  maximize: false,
};

/**
 * Adagrad (Duchi et al., 2011), as torch.optim.Adagrad (`_single_tensor_adagrad`):
 * s = s + g², p = p - clr·g / (sqrt(s) + eps) with clr = lr / (1 + (t - 1)·lrDecay).
 * Like PyTorch, every parameter gets its state (step 0, s = initialAccumulatorValue) up front.
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  /**
   * Creates the optimizer over `params`.
   *
   * @param params - The tensors to optimise (`module.parameters()`), or groups `{ params,
   * ...options }` whose options override `options`.
   * @param options - `lr` (1e-2), `lrDecay` (0), `weightDecay` (0), `initialAccumulatorValue` (0),
   * `eps` (1e-10), `maximize` (false).
   * @throws PyTorch's message for an invalid option (`Invalid learning rate: -1`).
   */
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super('Adagrad', params, defaults, options);
  }

  /**
   * Throws PyTorch's message for an invalid option.
   *
   * @param o - The options of the optimizer or of a group.
   */
  protected checkOptions(o: AdagradOptions): void {
    requireNonNegative(this.name, 'lr', o.lr, 'Invalid learning rate');
    requireNonNegative(this.name, 'lrDecay', o.lrDecay, 'Invalid lr_decay value');
    requireNonNegative(this.name, 'weightDecay', o.weightDecay, 'Invalid weight_decay value');
    requireNonNegative(
      this.name,
      'initialAccumulatorValue',
      o.initialAccumulatorValue,
      'Invalid initial_accumulator_value value',
    );
    requireNonNegative(this.name, 'eps', o.eps, 'Invalid epsilon value');
    requireBoolean(this.name, 'maximize', o.maximize);
  }

  /**
   * Adagrad's state from the start: step 0 and the accumulator at `initialAccumulatorValue`.
   *
   * @param param - The parameter.
   * @param group - Its group's options.
   */
  protected override initialState(param: Tensor, group: ParamGroup<AdagradOptions>): Partial<AdagradState> {
    return { step: 0, sum: fullLike(param, group.initialAccumulatorValue) };
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
    state: Partial<AdagradState>,
    group: ParamGroup<AdagradOptions>,
  ): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    if (state.step === undefined) Object.assign(state, this.initialState(param, group));
    const sum = state.sum!;

    state.step! += 1;
    const step = state.step!;
    let grad = maximize ? g.neg() : g;
    if (weightDecay !== 0) grad = addScaled(grad, param, weightDecay);

    const clr = lr / (1 + (step - 1) * lrDecay);
    addcmul_(sum, grad, grad, 1);
    const std = sum.sqrt().add_(eps);
    addcdiv_(param, grad, std, -clr);
  }
}
