import type { Optimizer } from '../optimizer.js';
import { LRScheduler, requireFiniteNumber } from './scheduler.js';

/** The arguments of {@link ExponentialLR}, as `torch.optim.lr_scheduler.ExponentialLR` takes them. */
export interface ExponentialLROptions {
  /** Factor applied every epoch. */
  gamma: number;
  /** The epoch to resume from (-1: start). */
  lastEpoch?: number;
}

/** Multiplies the rate by `gamma` every epoch: lr = initialLr · γ^epoch. */
export class ExponentialLR extends LRScheduler {
  /** The factor applied every epoch. */
  gamma: number;

  /**
   * Creates the schedule and sets the first epoch's rates.
   *
   * @param optimizer - The optimizer whose groups' `lr` it sets.
   * @param options - `gamma` (the factor per epoch) and `lastEpoch` (-1).
   */
  constructor(optimizer: Optimizer, { gamma, lastEpoch = -1 }: ExponentialLROptions) {
    super('ExponentialLR', optimizer, lastEpoch);
    this.gamma = requireFiniteNumber('ExponentialLR', 'gamma', gamma);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.isInitial) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}
