import { checkOptions, type Tensor } from '@fovea/tensor';
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

  /** `'mean'`, `'sum'` or `'none'`. */
  readonly reduction: Reduction;

  /**
   * Creates the loss.
   *
   * @param options - `reduction`: `'mean'` (default), `'sum'` or `'none'`.
   */
  constructor(options: ReductionOptions = {}) {
    options = checkOptions('MSELoss', options);
    super();
    this.reduction = checkReduction(checkOptions('MSELoss', options).reduction ?? 'mean', 'MSELoss');
  }

  /**
   * The squared differences `(input - target)^2`, reduced.
   *
   * @param input - Predictions, any shape.
   * @param target - Targets, broadcastable to `input`.
   * @returns A scalar, or `input`'s shape with `'none'`.
   */
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

  /** `'mean'`, `'sum'` or `'none'`. */
  readonly reduction: Reduction;
  /** A target class that contributes nothing. */
  readonly ignoreIndex: number;
  /** How much of the target mass is spread uniformly over the classes, from 0 to 1. */
  readonly labelSmoothing: number;
  /** The per-class weights (a buffer), or null. */
  declare weight: Tensor | null;

  /**
   * Creates the loss.
   *
   * @param options - `reduction` (`'mean'`), `weight` (per-class weights, none), `ignoreIndex`
   * (-100) and `labelSmoothing` (0).
   */
  constructor(options: CrossEntropyOptions = {}) {
    options = checkOptions('CrossEntropyLoss', options);
    super();
    this.registerBuffer('weight', options.weight ?? null);
    this.reduction = checkReduction(
      checkOptions('CrossEntropyLoss', options).reduction ?? 'mean',
      'CrossEntropyLoss',
    );
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  /**
   * The cross-entropy of `input`'s logits against `target` (see `functional.crossEntropy`).
   *
   * @param input - Logits `[N, C]`, `[C]` or `[N, C, d1, ...]`.
   * @param target - Class indices (int32, `[N]` or `[N, d1, ...]`) or class probabilities
   * (`input`'s shape).
   * @returns A scalar, or the per-sample losses with `'none'`.
   */
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight,
      reduction: this.reduction,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
    });
  }
}
