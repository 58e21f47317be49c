import type { Optimizer } from '../optimizer.js';
import { LRScheduler, requireFiniteNumber } from './scheduler.js';

/** The arguments of {@link MultiStepLR}, as `torch.optim.lr_scheduler.MultiStepLR` takes them. */
export interface MultiStepLROptions {
  /** Epochs at which the rate is multiplied by `gamma`, increasing. */
  milestones: readonly number[];
  /** Factor of each decay (0.1). */
  gamma?: number;
  /** The epoch to resume from (-1: start). */
  lastEpoch?: number;
}

/**
 * Multiplies the rate by `gamma` at each milestone epoch (twice at a milestone listed twice):
 * lr = initialLr · γ^(number of milestones <= epoch).
 */
export class MultiStepLR extends LRScheduler {
  /** Sorted, repeats kept (PyTorch keeps a Counter). */
  milestones: number[];
  /** The factor of each decay. */
  gamma: number;

  /**
   * Creates the schedule and sets the first epoch's rates.
   *
   * @param optimizer - The optimizer whose groups' `lr` it sets.
   * @param options - `milestones` (the epochs at which the rate decays), `gamma` (0.1) and
   * `lastEpoch` (-1).
   */
  constructor(optimizer: Optimizer, { milestones, gamma = 0.1, lastEpoch = -1 }: MultiStepLROptions) {
    super('MultiStepLR', optimizer, lastEpoch);
    if (!Array.isArray(milestones) || milestones.some((m) => !Number.isInteger(m))) {
      throw new Error(
        `MultiStepLR: expected milestones to be an array of integers, got ${String(milestones)}`,
      );
    }
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = requireFiniteNumber('MultiStepLR', 'gamma', gamma);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    const groups = this.optimizer.paramGroups;
    if (count === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** count);
  }
}
