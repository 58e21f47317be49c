import { rand } from '@fovea/tensor';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzModule } from '../../tensor/test/fuzz/harness.js';
import * as optim from '../src/index.js';

/** Issue 17's fuzz suite over every export of @fovea/optim (see tensor's test/fuzz/harness.ts). */

/** Abstract bases, constructed through their subclasses only. */
const ABSTRACT = new Set(['Optimizer', 'LRScheduler']);

/** A parameter with a gradient, so that a step has something to do. */
function parameter() {
  const p = rand([2, 2], { requiresGrad: true });
  p.square().sum().backward();
  return p;
}

/** Valid values of @fovea/optim, so that calls get past the first check. */
const valid = [
  fc
    .constantFrom(
      () => [parameter()],
      () => [{ params: [parameter()], lr: 0.1 }],
      () => new optim.SGD([parameter()], { lr: 0.1, momentum: 0.9 }),
      () => new optim.Adam([parameter()]),
      () => new optim.SGD([parameter()], { lr: 0.1 }).stateDict(),
      () => ({ lr: 0.1 }),
      () => (epoch: number) => 0.9 ** epoch,
    )
    .map((make) => make()),
];

const sgd = () => new optim.SGD([parameter()], { lr: 0.1, momentum: 0.9 });

/** A valid instance of each class, whose methods are fuzzed when the fuzzed constructor fails. */
const instances = {
  SGD: sgd,
  Adam: () => new optim.Adam([parameter()]),
  AdamW: () => new optim.AdamW([parameter()]),
  Adagrad: () => new optim.Adagrad([parameter()]),
  RMSprop: () => new optim.RMSprop([parameter()]),
  StepLR: () => new optim.StepLR(sgd(), { stepSize: 2 }),
  MultiStepLR: () => new optim.MultiStepLR(sgd(), { milestones: [1, 3] }),
  ExponentialLR: () => new optim.ExponentialLR(sgd(), { gamma: 0.9 }),
  CosineAnnealingLR: () => new optim.CosineAnnealingLR(sgd(), { tMax: 4 }),
  LambdaLR: () => new optim.LambdaLR(sgd(), { lrLambda: (epoch) => 0.9 ** epoch }),
};

describe('fuzz: @fovea/optim', () => {
  const methods = ['step', 'loadStateDict', 'zeroGrad', 'addParamGroup', 'getLastLr'];
  const options = { runs: 60, methods, skip: ABSTRACT, valid, instances };
  it.each(fuzzModule(optim as Record<string, unknown>, options))('%s', (_, run) => run());
});
