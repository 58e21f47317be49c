import type { Tensor } from '@fovea/tensor';
import { type AdamCommonOptions, type AdamState, adamUpdate, checkAdamOptions } from './adam-update.js';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';

/** The hyperparameters of {@link AdamW}, as `torch.optim.AdamW` takes them. */
export type AdamWOptions = AdamCommonOptions;

const defaults: AdamWOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 1e-2,
  amsgrad: false,
  maximize: false,
};

/**
 * AdamW (Loshchilov and Hutter, 2019): Adam with weight decay decoupled from the gradient,
 * p = p·(1 - lr·λ) before the Adam update, as torch.optim.AdamW.
 */
export class AdamW extends Optimizer<AdamWOptions, AdamState> {
  /**
   * Creates the optimizer over `params`.
   *
   * @param params - The tensors to optimise (`module.parameters()`), or groups `{ params,
   * ...options }` whose options override `options`.
   * @param options - `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (1e-2),
   * `amsgrad` (false), `maximize` (false).
   * @throws PyTorch's message for an invalid option (`Invalid learning rate: -1`).
   */
  constructor(params: Params<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super('AdamW', params, defaults, options);
  }

  /**
   * Throws PyTorch's message for an invalid option.
   *
   * @param o - The options of the optimizer or of a group.
   */
  protected checkOptions(o: AdamWOptions): void {
    checkAdamOptions(this.name, o);
  }

  /**
   * One step of the update on one parameter, in place (see the class description).
   *
   * @param param - The parameter.
   * @param grad - Its gradient, in its dtype.
   * @param state - Its state, filled at the first step.
   * @param group - Its group's options.
   */
  protected updateParam(
    param: Tensor,
    grad: Tensor,
    state: Partial<AdamState>,
    group: ParamGroup<AdamWOptions>,
  ): void {
    adamUpdate(param, grad, state, group, true);
  }
}
