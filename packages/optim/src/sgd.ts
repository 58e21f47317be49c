import { fusedSgdStep_, type Tensor, zerosLike } from '@fovea/tensor';
import { requireBoolean, requireNonNegative, requireNumber } from './checks.js';
import { Optimizer, type OptimizerOptions, type ParamGroup, type Params } from './optimizer.js';
import { addScaled, addScaled_ } from './pointwise.js';

export interface SGDOptions extends OptimizerOptions {
  /** Learning rate. */
  lr: number;
  /** Momentum factor μ (0: none). */
  momentum: number;
  /** Dampening τ of the momentum (0). */
  dampening: number;
  /** Weight decay λ: an L2 penalty added to the gradient (AdamW: decoupled). */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and no dampening). */
  nesterov: boolean;
  /** Maximise the objective instead of minimising it. */
  maximize: boolean;
}

/** What SGD keeps per parameter, as PyTorch's `state[p]`: the momentum buffer. */
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
 *
 * @example
 * ```ts
 * import { Linear } from '@fovea/nn';
 * import { SGD } from '@fovea/optim';
 * import { randn } from '@fovea/tensor';
 *
 * const model = new Linear(4, 1);
 * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const x = randn([16, 4]);
 * const y = x.sum(1, true);
 * for (let i = 0; i < 5; i++) {
 *   optimizer.zeroGrad();
 *   model.forward(x).sub(y).pow(2).mean().backward();
 *   optimizer.step();
 * }
 * ```
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  /**
   * Creates the optimizer over `params`.
   *
   * @param params - The tensors to optimise (`module.parameters()`), or groups `{ params,
   * ...options }` whose options override `options`.
   * @param options - `lr` (1e-3), `momentum` (0), `dampening` (0), `weightDecay` (0), `nesterov`
   * (false), `maximize` (false).
   * @throws PyTorch's message for an invalid option (`Invalid learning rate: -1`).
   */
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super('SGD', params, defaults, options);
  }

  /**
   * Throws PyTorch's message for an invalid option.
   *
   * @param o - The options of the optimizer or of a group.
   */
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
    state: Partial<SGDState>,
    group: ParamGroup<SGDOptions>,
  ): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    if (param.device !== 'cpu' && this.fusedStep(param, g, state, group)) return;
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

  /** One kernel for the whole update where the device has it (webgpu); false where it does not. */
  private fusedStep(
    param: Tensor,
    g: Tensor,
    state: Partial<SGDState>,
    group: ParamGroup<SGDOptions>,
  ): boolean {
    const first = group.momentum !== 0 && state.momentumBuffer === undefined;
    // On the first step the kernel sets the buffer to the gradient, as the clone below does.
    const buffer = first ? zerosLike(param) : group.momentum !== 0 ? state.momentumBuffer! : null;
    if (!fusedSgdStep_(param, g, buffer, group, first)) return false;
    if (first) state.momentumBuffer = buffer!;
    return true;
  }
}
