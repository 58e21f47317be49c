import type { Optimizer } from '../optimizer.js';
import { LRScheduler, requireFiniteNumber } from './scheduler.js';

/** The arguments of {@link CosineAnnealingLR}, as `torch.optim.lr_scheduler.CosineAnnealingLR` takes them. */
export interface CosineAnnealingLROptions {
  /** Epochs from the initial rate down to `etaMin`. */
  tMax: number;
  /** The lowest rate (0). */
  etaMin?: number;
  /** The epoch to resume from (-1: start). */
  lastEpoch?: number;
}

/**
 * Cosine annealing (Loshchilov and Hutter, SGDR, 2017) without restarts:
 *   lr = etaMin + (initialLr - etaMin) · (1 + cos(π · epoch / tMax)) / 2,
 * computed, as PyTorch does, recursively from the current rate, so a rate changed by hand
 * carries on along the curve; past tMax it rises again (a period of 2 · tMax).
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Epochs from the initial rate down to `etaMin`. */
  tMax: number;
  /** The lowest rate. */
  etaMin: number;

  /**
   * Creates the schedule and sets the first epoch's rates.
   *
   * @param optimizer - The optimizer whose groups' `lr` it sets.
   * @param options - `tMax` (epochs of the half cosine), `etaMin` (0) and `lastEpoch` (-1).
   */
  constructor(optimizer: Optimizer, { tMax, etaMin = 0, lastEpoch = -1 }: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', optimizer, lastEpoch);
    this.tMax = requireFiniteNumber('CosineAnnealingLR', 'tMax', tMax);
    if (!(tMax > 0)) throw new Error(`CosineAnnealingLR: expected tMax > 0, got ${tMax}`);
    this.etaMin = requireFiniteNumber('CosineAnnealingLR', 'etaMin', etaMin);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { etaMin, tMax, lastEpoch: epoch, baseLrs } = this;
    const groups = this.optimizer.paramGroups;
    if (this.isInitial) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && epoch > 0) {
      return baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((epoch * Math.PI) / tMax))) / 2);
    }
    // At the bottom of the curve (epoch - 1 = tMax modulo 2·tMax) the ratio below is 0 / 0.
    if ((epoch - 1 - tMax) % (2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + ((baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax))) *
          (g.lr - etaMin) +
        etaMin,
    );
  }
}
