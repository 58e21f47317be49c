import type { Tensor } from '@fovea/tensor';
import { type AdamCommonOptions, type AdamState, adamUpdate, checkAdamOptions } from './adam-update.js';
import { requireBoolean } from './checks.js';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';

export type { AdamState } from './adam-update.js';

/** The hyperparameters of {@link Adam}, as `torch.optim.Adam` takes them. */
export interface AdamOptions extends AdamCommonOptions {
  /** Apply weight decay to the parameter, as AdamW does, instead of adding it to the gradient. */
  decoupledWeightDecay: boolean;
}

const defaults: AdamOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
  decoupledWeightDecay: false,
};

/**
 * Adam (Kingma and Ba, 2015), with the AMSGrad variant (Reddi et al., 2018), as torch.optim.Adam:
 * weight decay is an L2 term added to the gradient.
 *
 * @example
 * ```ts
 * import { Conv2d } from '@fovea/nn';
 * import { Adam } from '@fovea/optim';
 *
 * const conv = new Conv2d(1, 8, 3);
 * const optimizer = new Adam([
 *   { params: [conv.weight], lr: 1e-3 },
 *   { params: [conv.bias!], lr: 1e-2 },
 * ]);
 * optimizer.paramGroups.map((group) => group.lr); // [0.001, 0.01]
 * ```
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  /**
   * Creates the optimizer over `params`.
   *
   * @param params - The tensors to optimise (`module.parameters()`), or groups `{ params,
   * ...options }` whose options override `options`.
   * @param options - `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (0),
   * `amsgrad` (false), `maximize` (false), `decoupledWeightDecay` (false: true makes it AdamW).
   * @throws PyTorch's message for an invalid option (`Invalid learning rate: -1`).
   */
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, defaults, options);
  }

  /**
   * Throws PyTorch's message for an invalid option.
   *
   * @param o - The options of the optimizer or of a group.
   */
  protected checkOptions(o: AdamOptions): void {
    checkAdamOptions(this.name, o);
    requireBoolean(this.name, 'decoupledWeightDecay', o.decoupledWeightDecay);
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
    group: ParamGroup<AdamOptions>,
  ): void {
    adamUpdate(param, grad, state, group, group.decoupledWeightDecay);
  }
}
