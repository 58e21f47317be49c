import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

/** A learning-rate multiplier as a function of the epoch: lr = initialLr · lambda(epoch). */
export type LrLambda = (epoch: number) => number;

/** The arguments of {@link LambdaLR}, as `torch.optim.lr_scheduler.LambdaLR` takes them. */
export interface LambdaLROptions {
  /** One function for every group, or one per group. */
  lrLambda: LrLambda | readonly LrLambda[];
  /** The epoch to resume from (-1: start). */
  lastEpoch?: number;
}

/** Sets each group's rate to initialLr · lrLambda(epoch). The functions are not saved in stateDict(). */
export class LambdaLR extends LRScheduler {
  /** The multiplier of each parameter group. */
  readonly lrLambdas: LrLambda[];

  /**
   * Creates the schedule and sets the first epoch's rates.
   *
   * @param optimizer - The optimizer whose groups' `lr` it sets.
   * @param options - `lrLambda` (a function of the epoch, or one per group, giving the factor of
   * the initial rate) and `lastEpoch` (-1).
   */
  constructor(optimizer: Optimizer, { lrLambda, lastEpoch = -1 }: LambdaLROptions) {
    super('LambdaLR', optimizer, lastEpoch);
    const groups = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== groups) {
        throw new Error(`LambdaLR: Expected ${groups} lr_lambdas, but got ${lrLambda.length}`);
      }
      this.lrLambdas = [...lrLambda];
    } else {
      this.lrLambdas = Array.from({ length: groups }, () => lrLambda as LrLambda);
    }
    if (this.lrLambdas.some((f) => typeof f !== 'function')) {
      throw new Error('LambdaLR: expected lrLambda to be a function or an array of functions');
    }
    this.initialStep();
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }
}
