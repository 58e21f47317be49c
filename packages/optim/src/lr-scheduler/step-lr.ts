import type { Optimizer } from '../optimizer.js';
import { LRScheduler, requireFiniteNumber, requirePositiveInteger } from './scheduler.js';

/** The arguments of {@link StepLR}, as `torch.optim.lr_scheduler.StepLR` takes them. */
export interface StepLROptions {
  /** Epochs between two decays. */
  stepSize: number;
  /** Factor of each decay (0.1). */
  gamma?: number;
  /** The epoch to resume from (-1: start). */
  lastEpoch?: number;
}

/**
 * Multiplies the rate by `gamma` every `stepSize` epochs: lr = initialLr · γ^⌊epoch / stepSize⌋.
 *
 * @example
 * ```ts
 * import { Linear } from '@fovea/nn';
 * import { SGD, StepLR } from '@fovea/optim';
 *
 * const optimizer = new SGD(new Linear(2, 1).parameters(), { lr: 0.1 });
 * const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   optimizer.step();
 *   scheduler.step();
 * }
 * scheduler.getLastLr(); // [0.025]
 * ```
 */
export class StepLR extends LRScheduler {
  /** Epochs between two decays. */
  stepSize: number;
  /** The factor of each decay. */
  gamma: number;

  /**
   * Creates the schedule and sets the first epoch's rates.
   *
   * @param optimizer - The optimizer whose groups' `lr` it sets.
   * @param options - `stepSize` (epochs between decays), `gamma` (0.1) and `lastEpoch` (-1).
   */
  constructor(optimizer: Optimizer, { stepSize, gamma = 0.1, lastEpoch = -1 }: StepLROptions) {
    super('StepLR', optimizer, lastEpoch);
    this.stepSize = requirePositiveInteger('StepLR', 'stepSize', stepSize);
    this.gamma = requireFiniteNumber('StepLR', 'gamma', gamma);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}
