import type { Optimizer } from '../optimizer.js';
import { LRScheduler, requireFiniteNumber } from './scheduler.js';

export interface MultiStepLROptions {
  milestones: readonly number[];
  gamma?: number;
  lastEpoch?: number;
}

/**
 * Multiplies the rate by `gamma` at each milestone epoch (twice at a milestone listed twice):
 * lr = initialLr · γ^(number of milestones <= epoch).
 */
export class MultiStepLR extends LRScheduler {
  /** Sorted, repeats kept (PyTorch keeps a Counter). */
  milestones: number[];
  gamma: number;

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
