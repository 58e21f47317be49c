import { type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, SGD } from '../src/index.js';

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
