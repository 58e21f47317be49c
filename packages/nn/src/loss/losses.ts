import type { Tensor } from '@fovea/tensor';
import {
  type CrossEntropyOptions,
  checkReduction,
  crossEntropy,
  mseLoss,
  type Reduction,
  type ReductionOptions,
} from '../functional/loss.js';
import { Module } from '../module/module.js';

/** The mean (or sum, or each) of the squared differences, like `torch.nn.MSELoss`. */
export class MSELoss extends Module {
  static override readonly moduleName: string = 'MSELoss';

  readonly reduction: Reduction;

  constructor(options: ReductionOptions = {}) {
    super();
    this.reduction = checkReduction(options.reduction ?? 'mean');
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Softmax cross-entropy on logits, like `torch.nn.CrossEntropyLoss`: class-index (int32) or
 * class-probability targets, class `weight`s, `ignoreIndex`, `labelSmoothing`, and a reduction.
 * As in PyTorch, the weight is a buffer (in the state dict when given).
 */
export class CrossEntropyLoss extends Module {
  static override readonly moduleName: string = 'CrossEntropyLoss';

  readonly reduction: Reduction;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  declare weight: Tensor | null;

  constructor(options: CrossEntropyOptions = {}) {
    super();
    this.registerBuffer('weight', options.weight ?? null);
    this.reduction = checkReduction(options.reduction ?? 'mean');
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight,
      reduction: this.reduction,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
    });
  }
}
