import { type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, CosineAnnealingLR, ExponentialLR, LambdaLR, MultiStepLR, SGD, StepLR } from '../src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: hostile callers pass anything
const any = (v: unknown) => v as any;

/** Issue 17's cases for @fovea/optim: a foreign or corrupt state dict is an error before any step. */

function parameter(): Tensor {
  return tensor([1, 2], { requiresGrad: true });
}

function stepOnce(optimizer: { step(): void; zeroGrad(): void }, p: Tensor): void {
  optimizer.zeroGrad();
  p.mul(p).sum().backward();
  optimizer.step();
}

describe('@fovea/optim under hostile state dicts', () => {
  it('Adam.loadStateDict(sgd.stateDict()) is refused', () => {
    const p = parameter();
    const sgd = new SGD([p], { lr: 0.1, momentum: 0.9 });
    stepOnce(sgd, p);
    const adam = new Adam([parameter()]);
    expect(() => adam.loadStateDict(sgd.stateDict())).toThrow(
      /^Adam\.loadStateDict: param_groups\[0\] lacks Adam's options 'betas', .* \(a state dict of another optimizer\?\)/,
    );
  });

  it("a state dict with step: 'x' is refused and the parameters stay finite", () => {
    const p = parameter();
    const adam = new Adam([p], { lr: 0.1 });
    stepOnce(adam, p);
    const sd = adam.stateDict();
    sd.state[0] = { ...sd.state[0], step: 'x' as unknown as number };
    const q = parameter();
    const other = new Adam([q], { lr: 0.1 });
    expect(() => other.loadStateDict(sd)).toThrow(
      "Adam.loadStateDict: state 'step' of parameter 0 must be a non-negative integer, got string 'x'",
    );
    stepOnce(other, q);
    expect(Array.from(q.dataSync()).every(Number.isFinite)).toBe(true);
    expect(() =>
      other.loadStateDict({ ...sd, state: { 0: { ...sd.state[0], step: 1, exp_avg: 'x' } } } as never),
    ).toThrow(/^Adam\.loadStateDict: state '\w+' of parameter 0 must be a Tensor, got string 'x'/);
  });
});

/** Found by the fuzz suite (fuzz.test.ts) under issue 17's strict rules: each names its function. */
describe('@fovea/optim: faults the fuzz suite found', () => {
  const sgd = () => new SGD([parameter()], { lr: 0.1 });

  it('the schedulers check their options object', () => {
    const cases: [string, () => unknown][] = [
      ['StepLR', () => new StepLR(sgd(), any(undefined))],
      ['MultiStepLR', () => new MultiStepLR(sgd(), any(null))],
      ['ExponentialLR', () => new ExponentialLR(sgd(), any(undefined))],
      ['CosineAnnealingLR', () => new CosineAnnealingLR(sgd(), any(undefined))],
      ['LambdaLR', () => new LambdaLR(sgd(), any(undefined))],
    ];
    for (const [name, make] of cases) expect(make, name).toThrow(new RegExp(`^${name}: `));
    expect(() => new MultiStepLR(sgd(), any({ milestones: [Object.create(null)] }))).toThrow(
      'MultiStepLR: expected milestones to be an array of integers, got an array of length 1',
    );
  });

  it("a scheduler's loadStateDict refuses values of another kind, and LambdaLR a lambda giving no number", () => {
    const optimizer = sgd();
    const scheduler = new StepLR(optimizer, { stepSize: 2 });
    expect(() => scheduler.loadStateDict({ lastEpoch: 'x' })).toThrow(
      "StepLR.loadStateDict: 'lastEpoch' must be a finite number, got string 'x'",
    );
    scheduler.step();
    expect(optimizer.paramGroups[0].lr).toBe(0.1);
    const lambda = new LambdaLR(sgd(), { lrLambda: (epoch) => (epoch === 0 ? 1 : any('x')) });
    expect(() => lambda.step()).toThrow("LambdaLR.step: lrLambda(1) must return a number, got string 'x'");
  });

  it('step, zeroGrad and addParamGroup check their arguments under their own names', () => {
    expect(() => sgd().step(any(0))).toThrow("SGD.step: argument 'closure' must be a function, got 0");
    expect(() => new Adam([parameter()]).zeroGrad(any(null))).not.toThrow();
    expect(() => new Adam([parameter()]).zeroGrad(any({ setToNone: 'x' }))).toThrow(
      "Adam.zeroGrad: argument 'setToNone' must be a boolean, got string 'x'",
    );
    expect(() => sgd().addParamGroup(any(undefined))).toThrow(
      'SGD.addParamGroup: a parameter group must be an object with params, got undefined',
    );
  });
});
