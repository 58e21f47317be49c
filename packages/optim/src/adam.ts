import type { Tensor } from '@fovea/tensor';
import { type AdamCommonOptions, type AdamState, adamUpdate, checkAdamOptions } from './adam-update.js';
import { requireBoolean } from './checks.js';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';

export type { AdamState } from './adam-update.js';

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
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, defaults, options);
  }

  protected checkOptions(o: AdamOptions): void {
    checkAdamOptions(this.name, o);
    requireBoolean(this.name, 'decoupledWeightDecay', o.decoupledWeightDecay);
  }

  protected updateParam(
    param: Tensor,
    grad: Tensor,
    state: Partial<AdamState>,
    group: ParamGroup<AdamOptions>,
  ): void {
    adamUpdate(param, grad, state, group, group.decoupledWeightDecay);
  }
}
