import { tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  type LRScheduler,
  MultiStepLR,
  type Optimizer,
  SGD,
  StepLR,
} from '../src/index.js';

/*
 * Schedules are computed recursively from the current rate, as in torch.optim.lr_scheduler;
 * each is held to its closed form, to 1e-12 relative (the recursion rounds at every epoch).
 */

const param = () => tensor([1, 2], { requiresGrad: true });

/** Two groups with different rates, so baseLrs are per group. */
function twoGroups(): Optimizer {
  return new SGD([{ params: [param()] }, { params: [param()], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
}

/** The rate of each group at epochs 0..n (epoch 0 right after construction). */
function trace(scheduler: LRScheduler, epochs: number): number[][] {
  const lrs = [scheduler.optimizer.paramGroups.map((g) => g.lr)];
  for (let e = 1; e <= epochs; e++) {
    scheduler.step();
    expect(scheduler.lastEpoch).toBe(e);
    const current = scheduler.optimizer.paramGroups.map((g) => g.lr);
    expect(scheduler.getLastLr()).toEqual(current);
    lrs.push(current);
  }
  return lrs;
}

function expectSchedule(actual: number[][], closedForm: (base: number, epoch: number) => number): void {
  const bases = [0.1, 0.5];
  actual.forEach((lrs, epoch) => {
    lrs.forEach((lr, g) => {
      const expected = closedForm(bases[g], epoch);
      const err = Math.abs(lr - expected);
      if (!(err <= 1e-12 * Math.max(Math.abs(expected), 1e-300))) {
        expect.fail(`epoch ${epoch}, group ${g}: got ${lr}, closed form ${expected}`);
      }
    });
  });
}

describe('schedules against their closed forms', () => {
  it('StepLR: lr0 · γ^⌊e / stepSize⌋', () => {
    const s = new StepLR(twoGroups(), { stepSize: 3, gamma: 0.5 });
    expectSchedule(trace(s, 20), (b, e) => b * 0.5 ** Math.floor(e / 3));
  });

  it('StepLR defaults gamma to 0.1', () => {
    const s = new StepLR(twoGroups(), { stepSize: 2 });
    expectSchedule(trace(s, 7), (b, e) => b * 0.1 ** Math.floor(e / 2));
  });

  it('MultiStepLR: lr0 · γ^(milestones <= e), a repeated milestone counting twice', () => {
    const milestones = [8, 2, 5, 5];
    const s = new MultiStepLR(twoGroups(), { milestones, gamma: 0.3 });
    expectSchedule(trace(s, 12), (b, e) => b * 0.3 ** milestones.filter((m) => m <= e).length);
  });

  it('ExponentialLR: lr0 · γ^e', () => {
    const s = new ExponentialLR(twoGroups(), { gamma: 0.9 });
    expectSchedule(trace(s, 30), (b, e) => b * 0.9 ** e);
  });

  it('CosineAnnealingLR: ηmin + (lr0 - ηmin)(1 + cos(π e / T)) / 2, over three half-periods', () => {
    const s = new CosineAnnealingLR(twoGroups(), { tMax: 10, etaMin: 0.01 });
    expectSchedule(trace(s, 30), (b, e) => 0.01 + ((b - 0.01) * (1 + Math.cos((Math.PI * e) / 10))) / 2);
  });

  it('CosineAnnealingLR with etaMin 0 reaches 0 at tMax', () => {
    const s = new CosineAnnealingLR(twoGroups(), { tMax: 4 });
    const lrs = trace(s, 8);
    expect(Math.abs(lrs[4][0])).toBeLessThan(1e-17);
    expectSchedule(
      lrs.filter((_, e) => e !== 4),
      (b, e) => (b * (1 + Math.cos((Math.PI * (e >= 4 ? e + 1 : e)) / 4))) / 2,
    );
  });

  it('LambdaLR: lr0 · λ(e), one function or one per group', () => {
    const one = new LambdaLR(twoGroups(), { lrLambda: (e) => 1 / (e + 1) });
    expectSchedule(trace(one, 10), (b, e) => b / (e + 1));
    const each = new LambdaLR(twoGroups(), { lrLambda: [(e) => 0.95 ** e, (e) => e + 1] });
    const lrs = trace(each, 5);
    lrs.forEach((l, e) => {
      expect(l[0]).toBe(0.1 * 0.95 ** e);
      expect(l[1]).toBe(0.5 * (e + 1));
    });
  });
});

describe('scheduler bookkeeping', () => {
  it('sets initialLr in each group, keeps the rates at construction, and starts at epoch 0', () => {
    const opt = twoGroups();
    const s = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.5]);
    expect(s.baseLrs).toEqual([0.1, 0.5]);
    expect(s.lastEpoch).toBe(0);
    expect(s.getLastLr()).toEqual([0.1, 0.5]);
    s.step();
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.5]);
    expect(s.getLastLr()).toEqual([0.05, 0.25]);
  });

  it('a second scheduler keeps the initialLr the first one recorded', () => {
    const opt = twoGroups();
    const first = new ExponentialLR(opt, { gamma: 0.5 });
    first.step();
    const second = new ExponentialLR(opt, { gamma: 0.5 });
    expect(second.baseLrs).toEqual([0.1, 0.5]);
    expect(opt.paramGroups[0].lr).toBe(0.05);
  });

  it('changes the rate the optimizer steps with', () => {
    const p = tensor([1], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([p], { lr: 1 });
    const s = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    for (const expected of [0, -0.5, -0.75, -0.875]) {
      p.grad = tensor([1], { dtype: 'float64' });
      opt.step();
      s.step();
      expect(p.item()).toBe(expected);
    }
  });

  it('resuming needs initialLr in every group', () => {
    expect(() => new StepLR(twoGroups(), { stepSize: 2, lastEpoch: 4 })).toThrow(
      "StepLR: param 'initialLr' is not specified in paramGroups[0] when resuming an optimizer",
    );
  });

  it('stateDict / loadStateDict resume the schedule with its optimizer', () => {
    const make = () => twoGroups();
    const kinds: Array<(o: Optimizer) => LRScheduler> = [
      (o) => new StepLR(o, { stepSize: 3, gamma: 0.5 }),
      (o) => new MultiStepLR(o, { milestones: [2, 6], gamma: 0.2 }),
      (o) => new ExponentialLR(o, { gamma: 0.8 }),
      (o) => new CosineAnnealingLR(o, { tMax: 7, etaMin: 0.001 }),
      (o) => new LambdaLR(o, { lrLambda: (e) => 1 / (1 + e) }),
    ];
    for (const kind of kinds) {
      const opt = make();
      const sched = kind(opt);
      for (let e = 0; e < 5; e++) sched.step();

      const resumedOpt = make();
      resumedOpt.loadStateDict(opt.stateDict());
      const resumed = kind(resumedOpt);
      resumed.loadStateDict(sched.stateDict());
      expect(resumed.lastEpoch).toBe(5);
      expect(resumed.getLastLr()).toEqual(sched.getLastLr());
      for (let e = 0; e < 12; e++) {
        sched.step();
        resumed.step();
        expect(resumed.getLastLr()).toEqual(sched.getLastLr());
      }
    }
  });

  it('stateDict holds the hyperparameters and counters, not the optimizer or functions', () => {
    const s = new StepLR(twoGroups(), { stepSize: 3, gamma: 0.5 });
    s.step();
    expect(s.stateDict()).toEqual({
      baseLrs: [0.1, 0.5],
      lastEpoch: 1,
      stepCount: 2,
      lastLr: [0.1, 0.5],
      stepSize: 3,
      gamma: 0.5,
    });
    const l = new LambdaLR(twoGroups(), { lrLambda: () => 1 });
    expect(Object.keys(l.stateDict())).not.toContain('lrLambdas');
    expect(() => s.loadStateDict({ optimizer: null })).toThrow(
      "StepLR.loadStateDict: unexpected key 'optimizer'",
    );
  });
});

describe('scheduler validation', () => {
  it('rejects bad arguments clearly', () => {
    // biome-ignore lint/suspicious/noExplicitAny: not an optimizer, on purpose.
    expect(() => new StepLR({} as any, { stepSize: 1 })).toThrow('StepLR: expected an Optimizer');
    expect(() => new StepLR(twoGroups(), { stepSize: 0 })).toThrow(
      'StepLR: expected stepSize to be a positive integer, got 0',
    );
    expect(() => new CosineAnnealingLR(twoGroups(), { tMax: 0 })).toThrow(
      'CosineAnnealingLR: expected tMax > 0',
    );
    expect(() => new MultiStepLR(twoGroups(), { milestones: [1.5] })).toThrow(
      'MultiStepLR: expected milestones',
    );
    expect(() => new LambdaLR(twoGroups(), { lrLambda: [() => 1] })).toThrow(
      'LambdaLR: Expected 2 lr_lambdas, but got 1',
    );
  });
});
