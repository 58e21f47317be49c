import { isGradEnabled } from '@fovea/autograd';
import { type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, AdamW, RMSprop, SGD } from '../src/index.js';

const param = (values: number[] = [1, 2]) => tensor(values, { dtype: 'float64', requiresGrad: true });

describe('hyperparameter validation, with PyTorch messages', () => {
  const p = () => [param()];
  it.each([
    ['SGD', () => new SGD(p(), { lr: -1 }), 'SGD: Invalid learning rate: -1'],
    ['SGD', () => new SGD(p(), { lr: 0.1, momentum: -0.5 }), 'SGD: Invalid momentum value: -0.5'],
    ['SGD', () => new SGD(p(), { lr: 0.1, weightDecay: -1e-5 }), 'SGD: Invalid weight_decay value: -1e-05'],
    [
      'SGD',
      () => new SGD(p(), { lr: 0.1, nesterov: true }),
      'SGD: Nesterov momentum requires a momentum and zero dampening',
    ],
    [
      'SGD',
      () => new SGD(p(), { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }),
      'Nesterov momentum requires a momentum and zero dampening',
    ],
    ['Adam', () => new Adam(p(), { lr: -1 }), 'Adam: Invalid learning rate: -1'],
    ['Adam', () => new Adam(p(), { eps: -1e-8 }), 'Adam: Invalid epsilon value: -1e-08'],
    ['Adam', () => new Adam(p(), { betas: [1, 0.999] }), 'Adam: Invalid beta parameter at index 0: 1.0'],
    ['Adam', () => new Adam(p(), { betas: [0.9, -0.1] }), 'Adam: Invalid beta parameter at index 1: -0.1'],
    ['Adam', () => new Adam(p(), { weightDecay: -0.1 }), 'Adam: Invalid weight_decay value: -0.1'],
    ['AdamW', () => new AdamW(p(), { betas: [0.9, 1] }), 'AdamW: Invalid beta parameter at index 1: 1.0'],
    ['AdamW', () => new AdamW(p(), { lr: Number.NaN }), 'AdamW: Invalid learning rate: nan'],
    ['RMSprop', () => new RMSprop(p(), { alpha: -0.99 }), 'RMSprop: Invalid alpha value: -0.99'],
    ['RMSprop', () => new RMSprop(p(), { momentum: -1 }), 'RMSprop: Invalid momentum value: -1'],
    ['RMSprop', () => new RMSprop(p(), { eps: -1 }), 'RMSprop: Invalid epsilon value: -1'],
    ['Adagrad', () => new Adagrad(p(), { lrDecay: -1 }), 'Adagrad: Invalid lr_decay value: -1'],
    [
      'Adagrad',
      () => new Adagrad(p(), { initialAccumulatorValue: -0.1 }),
      'Adagrad: Invalid initial_accumulator_value value: -0.1',
    ],
    ['Adagrad', () => new Adagrad(p(), { eps: -1e-10 }), 'Adagrad: Invalid epsilon value: -1e-10'],
  ])('%s: %s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('checks options given in a group too', () => {
    expect(() => new SGD([{ params: [param()] }, { params: [param()], lr: -0.1 }], { lr: 0.1 })).toThrow(
      'SGD: Invalid learning rate: -0.1',
    );
    expect(() => new Adam([{ params: [param()], betas: [0.9, 1.5] }])).toThrow(
      'Adam: Invalid beta parameter at index 1: 1.5',
    );
  });

  it('rejects unknown options, and says which camelCase name a snake_case one means', () => {
    // biome-ignore lint/suspicious/noExplicitAny: JavaScript callers can pass anything.
    const loose = (o: object) => o as any;
    expect(() => new SGD([param()], loose({ lr: 0.1, weight_decay: 0.1 }))).toThrow(
      "SGD: unknown option 'weight_decay' in options; did you mean 'weightDecay'?",
    );
    expect(() => new Adam([param()], loose({ betaz: [0.9, 0.9] }))).toThrow(
      "Adam: unknown option 'betaz'; expected one of lr, betas, eps",
    );
    expect(() => new SGD(loose([{ params: [param()], weight_decay: 0.1 }]), { lr: 0.1 })).toThrow(
      "did you mean 'weightDecay'?",
    );
    expect(() => new SGD([param()], loose({ lr: '0.1' }))).toThrow(
      'SGD: expected lr to be a number, got string',
    );
    expect(() => new SGD([param()], loose({ nesterov: 1 }))).toThrow(
      'SGD: expected nesterov to be a boolean',
    );
  });
});

describe('parameters', () => {
  it('rejects an empty list, a bare tensor, non-tensors, tensors without grad, and non-leaves', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow('SGD: optimizer got an empty parameter list');
    // biome-ignore lint/suspicious/noExplicitAny: wrong on purpose.
    const any = (x: unknown) => x as any;
    expect(() => new Adam(any(param()))).toThrow(
      'Adam: params argument given to the optimizer should be an iterable of Tensors or parameter groups, but got Tensor',
    );
    expect(() => new Adam(any([param(), 3]))).toThrow(
      'Adam: optimizer can only optimize Tensors, but parameter 1 of group 0 is number',
    );
    expect(() => new RMSprop([param(), tensor([1, 2])])).toThrow(
      'RMSprop: parameter 1 of group 0 does not require grad (shape [2]); call requiresGrad_() on it or leave it out',
    );
    expect(() => new Adagrad([param().mul(2)])).toThrow("Adagrad: can't optimize a non-leaf Tensor");
    expect(() => new SGD(any([{ params: new Set([param()]) }]))).toThrow('ordered collections');
  });

  it('rejects a parameter listed twice, in one group or across groups', () => {
    const p = param();
    expect(() => new SGD([p, p], { lr: 0.1 })).toThrow(
      'SGD: group 0 lists the same parameter more than once',
    );
    const opt = new SGD([p], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [param(), p] })).toThrow(
      'SGD.addParamGroup: some parameters appear in more than one parameter group (group 1 and group 0)',
    );
    expect(opt.paramGroups.length).toBe(1);
  });

  it('takes any iterable, such as a generator, and a single tensor as a group', () => {
    const a = param();
    const b = param();
    function* parameters() {
      yield a;
      yield b;
    }
    const opt = new SGD(parameters(), { lr: 0.1 });
    expect(opt.paramGroups[0].params).toEqual([a, b]);
    const grouped = new SGD([{ params: a }], { lr: 0.1 });
    expect(grouped.paramGroups[0].params[0]).toBe(a);
  });
});

describe('parameter groups', () => {
  it("override the defaults with their own options (PyTorch's semantics)", () => {
    const a = param();
    const b = param();
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.01, momentum: 0 }], {
      lr: 0.1,
      momentum: 0.9,
    });
    expect(opt.defaults).toMatchObject({ lr: 0.1, momentum: 0.9, dampening: 0 });
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.1, momentum: 0.9, params: [a] });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.01, momentum: 0, nesterov: false, params: [b] });
    a.grad = tensor([1, 1], { dtype: 'float64' });
    b.grad = tensor([1, 1], { dtype: 'float64' });
    opt.step();
    expect(a.toArray()).toEqual([0.9, 1.9]);
    expect(b.toArray()).toEqual([0.99, 1.99]);
    expect(opt.state.has(a)).toBe(true);
    expect(opt.state.has(b)).toBe(false);
  });

  it('keep extra keys, as PyTorch does, and do not share the default betas array', () => {
    const opt = new Adam([{ params: [param()], name: 'backbone' } as never, { params: [param()] }]);
    expect((opt.paramGroups[0] as unknown as { name: string }).name).toBe('backbone');
    expect(opt.paramGroups[0].betas).not.toBe(opt.paramGroups[1].betas);
    expect(opt.paramGroups[0].betas).toEqual([0.9, 0.999]);
  });

  it('addParamGroup fills missing options from the defaults', () => {
    const opt = new AdamW([param()], { lr: 0.02 });
    const q = param();
    opt.addParamGroup({ params: [q], weightDecay: 0 });
    expect(opt.paramGroups[1]).toMatchObject({
      lr: 0.02,
      weightDecay: 0,
      betas: [0.9, 0.999],
      amsgrad: false,
    });
  });

  it('the lr is a plain number a scheduler or the user may change between steps', () => {
    const p = param([0]);
    const opt = new SGD([p], { lr: 1 });
    p.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    opt.paramGroups[0].lr = 0.5;
    opt.step();
    expect(p.item()).toBe(-1.5);
  });
});

describe('step', () => {
  const optimizers = [
    () => new SGD([param(), param([3])], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 }),
    () => new Adam([param(), param([3])], { amsgrad: true, weightDecay: 0.1 }),
    () => new AdamW([param(), param([3])], { amsgrad: true }),
    () => new RMSprop([param(), param([3])], { momentum: 0.9, centered: true, weightDecay: 0.1 }),
    () => new Adagrad([param(), param([3])], { weightDecay: 0.1, lrDecay: 0.1 }),
  ];

  it.each(optimizers.map((make) => [make().name, make] as const))(
    '%s records no autograd history and restores grad mode',
    (_, make) => {
      const opt = make();
      const [p] = opt.paramGroups[0].params;
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        p.mul(p).sum().backward();
        opt.step();
        expect(p.gradFn).toBeNull();
        expect(p.isLeaf).toBe(true);
        expect(p.requiresGrad).toBe(true);
        expect(isGradEnabled()).toBe(true);
      }
      for (const value of Object.values(opt.state.get(p)!)) {
        if (typeof value === 'number') continue;
        expect((value as Tensor).requiresGrad).toBe(false);
        expect((value as Tensor).gradFn).toBeNull();
      }
      expect(p.toArray()).not.toEqual([1, 2]);
    },
  );

  it.each(optimizers.map((make) => [make().name, make] as const))(
    '%s skips parameters whose grad is null',
    (_, make) => {
      const opt = make();
      const [p, q] = opt.paramGroups[0].params;
      p.grad = tensor([1, 1], { dtype: 'float64' });
      const stateBefore = opt.state.get(q);
      opt.step();
      expect(q.toArray()).toEqual([3]);
      expect(opt.state.get(q)).toBe(stateBefore);
      expect(p.toArray()).not.toEqual([1, 2]);
    },
  );

  it('does not record history even with a gradient that has one (createGraph)', () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5 });
    const g = tensor([1, 1], { dtype: 'float64', requiresGrad: true }).mul(2);
    expect(g.gradFn).not.toBeNull();
    p.grad = g;
    opt.step();
    expect(p.gradFn).toBeNull();
    expect(opt.state.get(p)?.momentumBuffer?.gradFn).toBeNull();
  });

  it('restores grad mode when an update throws', () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = tensor([1, 1], { dtype: 'float64' });
    opt.paramGroups[0].params.push('oops' as never);
    expect(() => opt.step()).toThrow();
    expect(isGradEnabled()).toBe(true);
  });

  it('with a closure, re-evaluates the loss with grad enabled and returns it', () => {
    const p = param([3]);
    const opt = new SGD([p], { lr: 0.25 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = p.mul(p).sum();
      l.backward();
      return l.item();
    });
    expect(loss).toBe(9);
    expect(p.item()).toBe(1.5);
  });

  it('casts a gradient of another dtype to the parameter dtype', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = tensor([0.1]);
    opt.step();
    expect(p.dtype).toBe('float64');
    expect(p.item()).toBe(1 - 0.1 * Math.fround(0.1));
  });
});

describe('zeroGrad', () => {
  it("sets gradients to null by default (PyTorch's set_to_none=True)", () => {
    const p = param();
    const opt = new Adam([p]);
    p.grad = tensor([1, 1], { dtype: 'float64' });
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it('zeroes them in place, detached, with setToNone: false', () => {
    const p = param();
    const opt = new Adam([p]);
    const g = tensor([1, 1], { dtype: 'float64' });
    p.grad = g;
    opt.zeroGrad({ setToNone: false });
    expect(p.grad?.toArray()).toEqual([0, 0]);
    expect(g.toArray()).toEqual([0, 0]);
    const withHistory = tensor([1, 1], { dtype: 'float64', requiresGrad: true }).mul(3);
    p.grad = withHistory;
    opt.zeroGrad({ setToNone: false });
    expect(p.grad?.gradFn).toBeNull();
    expect(p.grad?.toArray()).toEqual([0, 0]);
  });
});
