import type { Optimizer } from '../optimizer.js';
import { LRScheduler, requireFiniteNumber, requirePositiveInteger } from './scheduler.js';

export interface StepLROptions {
  stepSize: number;
  gamma?: number;
  lastEpoch?: number;
}

/** Multiplies the rate by `gamma` every `stepSize` epochs: lr = initialLr · γ^⌊epoch / stepSize⌋. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

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
