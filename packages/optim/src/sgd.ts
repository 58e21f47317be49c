import type { Tensor } from '@fovea/tensor';
import { requireBoolean, requireNonNegative, requireNumber } from './checks.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { addScaled, addScaled_ } from './pointwise.js';

export interface SGDOptions extends OptimizerOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export type SGDState = {
  momentumBuffer: Tensor;
};

const defaults: SGDOptions = {
  lr: 1e-3,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

/**
 * Stochastic gradient descent, optionally with momentum (PyTorch's form: v = μv + (1 - τ)g,
 * p = p - lr·v, with v = g at the first step) and Nesterov momentum (p = p - lr·(g + μv)).
 * Follows `_single_tensor_sgd` in torch/optim/sgd.py.
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super('SGD', params, defaults, options);
  }

  protected checkOptions(o: SGDOptions): void {
    requireNonNegative(this.name, 'lr', o.lr, 'Invalid learning rate');
    requireNonNegative(this.name, 'momentum', o.momentum, 'Invalid momentum value');
    requireNonNegative(this.name, 'weightDecay', o.weightDecay, 'Invalid weight_decay value');
    requireNumber(this.name, 'dampening', o.dampening);
    requireBoolean(this.name, 'nesterov', o.nesterov);
    requireBoolean(this.name, 'maximize', o.maximize);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new Error(`${this.name}: Nesterov momentum requires a momentum and zero dampening`);
    }
  }

  protected updateParam(
    param: Tensor,
    g: Tensor,
    state: Partial<SGDState>,
    group: ParamGroup<SGDOptions>,
  ): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    let grad = maximize ? g.neg() : g;
    if (weightDecay !== 0) grad = addScaled(grad, param, weightDecay);
    if (momentum !== 0) {
      let buf = state.momentumBuffer;
      if (buf === undefined) {
        buf = grad.detach().clone();
        state.momentumBuffer = buf;
      } else {
        addScaled_(buf.mul_(momentum), grad, 1 - dampening);
      }
      grad = nesterov ? addScaled(grad, buf, momentum) : buf;
    }
    addScaled_(param, grad, -lr);
  }
}
