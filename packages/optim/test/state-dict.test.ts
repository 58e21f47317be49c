import { type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from '../src/index.js';
import { describeTrace, loadOptimTraces, makeOptimizer, type OptimizerName } from './helpers/golden.js';

/*
 * Saving mid-training and resuming in a fresh optimizer over fresh (cloned) parameters must give
 * bit-for-bit the parameters of an uninterrupted run: every buffer and counter is restored.
 */

interface Case {
  optimizer: OptimizerName;
  options: Record<string, unknown>;
}

const cases: Case[] = [
  ...loadOptimTraces().map((t) => ({ optimizer: t.optimizer, options: t.options })),
  { optimizer: 'SGD', options: { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01 } },
  { optimizer: 'Adam', options: { lr: 0.01, amsgrad: true, weight_decay: 0.1, maximize: true } },
  { optimizer: 'AdamW', options: { lr: 0.01, amsgrad: true, betas: [0.5, 0.9] } },
  { optimizer: 'RMSprop', options: { lr: 0.01, momentum: 0.5 } },
  { optimizer: 'RMSprop', options: { lr: 0.01, centered: true, weight_decay: 0.1 } },
  { optimizer: 'Adagrad', options: { lr: 0.1, lr_decay: 0.05, initial_accumulator_value: 0.1 } },
];

const grads = loadOptimTraces()[0].grads;
const p0 = loadOptimTraces()[0].p0;

/** Two parameters in two groups (the second with its own lr), so indices and groups are exercised. */
function makeParams(): [Tensor, Tensor] {
  return [
    tensor(p0, { dtype: 'float64', requiresGrad: true }),
    tensor([p0.slice(0, 3), p0.slice(3, 6)], { dtype: 'float64', requiresGrad: true }),
  ];
}

function build(c: Case, [a, b]: [Tensor, Tensor]): Optimizer {
  const opt = makeOptimizer(c.optimizer, [a], c.options);
  opt.addParamGroup({ params: [b], lr: 0.5 * (opt.paramGroups[0].lr as number) });
  return opt;
}

function feed(opt: Optimizer, [a, b]: [Tensor, Tensor], step: number): void {
  const g = grads[step];
  a.grad = tensor(g, { dtype: 'float64' });
  b.grad = tensor([g.slice(1, 4), g.slice(4, 7)], { dtype: 'float64' });
  opt.step();
}

const clone = (p: Tensor) => p.detach().clone().requiresGrad_();

describe('stateDict / loadStateDict resume training exactly', () => {
  for (const c of cases) {
    for (const at of [1, 3]) {
      it(`${describeTrace(c)} saved after ${at} steps`, () => {
        const params = makeParams();
        const uninterrupted = build(c, params);
        for (let s = 0; s < at; s++) feed(uninterrupted, params, s);

        const saved = uninterrupted.stateDict();
        const resumedParams = params.map(clone) as [Tensor, Tensor];
        const resumed = build({ ...c, options: { ...c.options, lr: 123 } }, resumedParams);
        resumed.loadStateDict(saved);
        expect(resumed.paramGroups.map((g) => g.lr)).toEqual(uninterrupted.paramGroups.map((g) => g.lr));

        for (let s = at; s < grads.length; s++) {
          feed(uninterrupted, params, s);
          feed(resumed, resumedParams, s);
        }
        params.forEach((p, i) => {
          expect(Array.from(resumedParams[i].dataSync())).toEqual(Array.from(p.dataSync()));
        });
      });
    }
  }
});

describe('stateDict layout', () => {
  it("is PyTorch's: state by parameter index, groups with their options and indices", () => {
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const b = tensor([3], { dtype: 'float64', requiresGrad: true });
    const c = tensor([4, 5, 6], { dtype: 'float64', requiresGrad: true });
    const opt = new Adam([{ params: [a, b] }, { params: [c], lr: 0.1 }], { amsgrad: true });
    a.grad = tensor([0.1, 0.2], { dtype: 'float64' });
    c.grad = tensor([0.3, 0.4, 0.5], { dtype: 'float64' });
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '2']);
    expect(Object.keys(sd.state[0]).sort()).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
    expect(sd.state[0].step).toBe(1);
    expect(sd.param_groups).toEqual([
      {
        lr: 1e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: true,
        maximize: false,
        decoupledWeightDecay: false,
        params: [0, 1],
      },
      {
        lr: 0.1,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: true,
        maximize: false,
        decoupledWeightDecay: false,
        params: [2],
      },
    ]);
  });

  it('copies: training on does not change a saved dict, and a loaded dict stays independent', () => {
    const p = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([1, 1], { dtype: 'float64' });
    opt.step();
    const sd = opt.stateDict();
    const buf = sd.state[0].momentumBuffer as Tensor;
    expect(buf).not.toBe(opt.state.get(p)?.momentumBuffer);
    opt.step();
    expect(buf.toArray()).toEqual([1, 1]);

    const q = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const other = new SGD([q], { lr: 0.1, momentum: 0.9 });
    other.loadStateDict(sd);
    buf.fill_(7);
    sd.param_groups[0].lr = 99;
    expect(other.state.get(q)?.momentumBuffer?.toArray()).toEqual([1, 1]);
    expect(other.paramGroups[0].lr).toBe(0.1);
  });

  it('casts loaded state to the parameter dtype', () => {
    const p = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const opt = new RMSprop([p], { momentum: 0.5 });
    p.grad = tensor([1, -1], { dtype: 'float64' });
    opt.step();
    const q = tensor([1, 2], { requiresGrad: true });
    const single = new RMSprop([q], { momentum: 0.5 });
    single.loadStateDict(opt.stateDict());
    const s = single.state.get(q)!;
    expect(s.squareAvg?.dtype).toBe('float32');
    expect(s.momentumBuffer?.dtype).toBe('float32');
    expect(s.step).toBe(1);
  });

  it('keeps state of every parameter for Adagrad, as PyTorch does (initialized up front)', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    const opt = new Adagrad([a, b], { initialAccumulatorValue: 0.5 });
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(sd.state[1].step).toBe(0);
    expect((sd.state[1].sum as Tensor).toArray()).toEqual([0.5]);
  });

  it('has no state for SGD without momentum', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = tensor([1, 1]);
    opt.step();
    expect(opt.stateDict().state).toEqual({});
    expect(opt.state.size).toBe(0);
  });
});

describe('loadStateDict rejects a dict that does not fit, changing nothing', () => {
  const make = () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    return { a, b, opt: new AdamW([{ params: [a] }, { params: [b] }], { lr: 0.1 }) };
  };

  it('a different number of groups', () => {
    const { opt } = make();
    const other = new AdamW([tensor([1, 2], { requiresGrad: true })]);
    expect(() => opt.loadStateDict(other.stateDict())).toThrow(
      'AdamW.loadStateDict: loaded state dict has a different number of parameter groups (1 saved, the optimizer has 2)',
    );
  });

  it('a group of another size', () => {
    const { opt } = make();
    const x = tensor([1, 2], { requiresGrad: true });
    const other = new AdamW([{ params: [x, tensor([0], { requiresGrad: true })] }, { params: [] }]);
    expect(() => opt.loadStateDict(other.stateDict())).toThrow(
      "loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group 0: 2 parameters saved, the optimizer's group has 1)",
    );
  });

  it('state of another shape', () => {
    const { a, b, opt } = make();
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = tensor([3], { requiresGrad: true });
    const other = new AdamW([{ params: [x] }, { params: [y] }], { lr: 0.2 });
    x.grad = tensor([1, 1, 1]);
    other.step();
    expect(() => opt.loadStateDict(other.stateDict())).toThrow(
      "AdamW.loadStateDict: state 'expAvg' of parameter 0 has shape [3] but the parameter has shape [2]",
    );
    expect(opt.paramGroups[0].lr).toBe(0.1);
    expect(opt.paramGroups[0].params[0]).toBe(a);
    expect(opt.paramGroups[1].params[0]).toBe(b);
    expect(opt.state.size).toBe(0);
  });

  it('invalid options', () => {
    const { opt } = make();
    const sd = opt.stateDict();
    sd.param_groups[1].lr = -1;
    expect(() => opt.loadStateDict(sd)).toThrow('AdamW: Invalid learning rate: -1');
    expect(opt.paramGroups[1].lr).toBe(0.1);
  });

  it('state for a parameter no group lists, or something else entirely', () => {
    const { opt } = make();
    const sd = opt.stateDict();
    sd.state[5] = { step: 1 };
    expect(() => opt.loadStateDict(sd)).toThrow('state for parameter 5, which no parameter group lists');
    // biome-ignore lint/suspicious/noExplicitAny: a malformed input on purpose.
    expect(() => opt.loadStateDict({ weights: [] } as any)).toThrow('expected {state, param_groups}');
  });
});

describe('both kinds of state survive: numbers stay numbers, tensors are copies', () => {
  it.each([
    ['SGD', () => new SGD([tensor([1], { requiresGrad: true })], { momentum: 0.9 })],
    ['Adam', () => new Adam([tensor([1], { requiresGrad: true })])],
    ['RMSprop', () => new RMSprop([tensor([1], { requiresGrad: true })], { centered: true, momentum: 0.1 })],
  ] as const)('%s', (_, make) => {
    const opt = make();
    const p = opt.paramGroups[0].params[0];
    p.grad = tensor([0.5]);
    opt.step();
    const reloaded = make();
    reloaded.loadStateDict(opt.stateDict());
    const q = reloaded.paramGroups[0].params[0];
    const before = opt.state.get(p)!;
    const after = reloaded.state.get(q)!;
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [key, value] of Object.entries(before)) {
      const loaded = (after as Record<string, unknown>)[key];
      if (typeof value === 'number') expect(loaded).toBe(value);
      else {
        expect(loaded).not.toBe(value);
        expect((loaded as Tensor).toArray()).toEqual((value as Tensor).toArray());
      }
    }
  });
});
