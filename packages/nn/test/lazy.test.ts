import { manualSeed, randn, zeros } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { Conv2d, LazyConv2d, LazyLinear, Linear, Sequential } from '../src/index.js';
import { expectShape, loadGolden } from './helpers/golden.js';

interface LazyGolden {
  result: {
    in_channels_inferred: number;
    weight_shape: number[];
    bias_shape: number[];
    output_shape: number[];
    init_bound: number;
    weight_abs_max: number;
    bias_abs_max: number;
    class_after_first_call: string;
  };
}

const golden = loadGolden<LazyGolden>('lazy.json').result;

function absMax(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

describe('LazyConv2d', () => {
  it('holds lazy.json: LazyConv2d(4, kernel_size=3) after a first forward on [2, 5, 8, 8]', () => {
    manualSeed(0);
    const lazy = new LazyConv2d(4, 3);
    const y = lazy.forward(randn([2, 5, 8, 8]));
    expect(lazy.inChannels).toBe(golden.in_channels_inferred);
    expectShape(lazy.weight, golden.weight_shape);
    expectShape(lazy.bias!, golden.bias_shape);
    expectShape(y, golden.output_shape);
    expect(lazy.constructor.name).toBe(golden.class_after_first_call);
    expect(lazy).toBeInstanceOf(Conv2d);
    expect(lazy).not.toBeInstanceOf(LazyConv2d);
    const bound = 1 / Math.sqrt(lazy.weight.shape[1] * 3 * 3);
    expect(bound).toBeCloseTo(golden.init_bound, 12);
    // The largest of 180 (and 4) draws from U(-bound, bound) sits just under the bound, as PyTorch's does.
    expect(absMax(lazy.weight.dataSync())).toBeLessThanOrEqual(bound);
    expect(absMax(lazy.weight.dataSync())).toBeGreaterThan(0.8 * bound);
    expect(absMax(lazy.bias!.dataSync())).toBeLessThanOrEqual(bound);
    expect(golden.weight_abs_max).toBeLessThanOrEqual(golden.init_bound);
    expect(String(lazy)).toBe('Conv2d(5, 4, kernel_size=(3, 3), stride=(1, 1))');
    expect(lazy.namedParameters().map(([name]) => name)).toEqual(['weight', 'bias']);
  });

  it('infers channels from unbatched [C, H, W] input', () => {
    const lazy = new LazyConv2d(2, [2, 3], { padding: 1, bias: false });
    const y = lazy.forward(randn([3, 5, 6]));
    expect(lazy.inChannels).toBe(3);
    expectShape(lazy.weight, [2, 3, 2, 3]);
    expectShape(y, [2, 6, 6]);
    expect(String(lazy)).toBe('Conv2d(3, 2, kernel_size=(2, 3), stride=(1, 1), padding=(1, 1), bias=False)');
  });

  it('divides the inferred channels by groups', () => {
    const lazy = new LazyConv2d(4, 1, { groups: 2 });
    lazy.forward(randn([1, 6, 2, 2]));
    expectShape(lazy.weight, [4, 3, 1, 1]);
    expect(() => new LazyConv2d(4, 1, { groups: 4 }).forward(randn([1, 6, 2, 2]))).toThrow(
      /in_channels must be divisible by groups/,
    );
  });

  it('throws a clear error when weight or bias is read before the first forward', () => {
    const lazy = new LazyConv2d(1, [1, 2]);
    expect(() => lazy.weight).toThrow(/uninitialized.*[Rr]un a forward pass first/);
    expect(() => lazy.bias).toThrow(/LazyConv2d\.bias is uninitialized/);
    expect(lazy.parameters()).toEqual([]);
    expect(lazy.hasUninitializedParameters()).toBe(true);
    expect(String(lazy)).toBe('LazyConv2d(0, 1, kernel_size=(1, 2), stride=(1, 1))');
    expect(String(new LazyConv2d(1, [1, 2], { bias: false }))).toBe(
      'LazyConv2d(0, 1, kernel_size=(1, 2), stride=(1, 1), bias=False)',
    );
    lazy.forward(zeros([1, 1, 3, 3]));
    expect(lazy.hasUninitializedParameters()).toBe(false);
  });

  it('rejects input that is neither 3-D nor 4-D at the first forward', () => {
    expect(() => new LazyConv2d(1, 1).forward(zeros([4, 4]))).toThrow(
      'Expected 3D (unbatched) or 4D (batched) input to LazyConv2d, but got input of size: [4, 4]',
    );
  });

  it('takes its shapes from a state dict loaded before any forward, then is a Conv2d', () => {
    const source = new Conv2d(3, 2, 3, { padding: 1 });
    const lazy = new LazyConv2d(2, 3, { padding: 1 });
    lazy.loadStateDict(source.stateDict());
    expect(lazy).toBeInstanceOf(Conv2d);
    expect(lazy.inChannels).toBe(3);
    expect(lazy.weight.toArray()).toEqual(source.weight.toArray());
    expect(lazy.bias!.toArray()).toEqual(source.bias!.toArray());
    const x = randn([1, 3, 4, 4]);
    expect(lazy.forward(x).toArray()).toEqual(source.forward(x).toArray());
  });

  it('inside a Sequential, registers under its index once materialised', () => {
    const model = new Sequential(new LazyConv2d(2, 3), new LazyLinear(5));
    expect(model.stateDict()).toEqual({});
    const y = model.forward(randn([1, 1, 4, 4]));
    expectShape(y, [1, 2, 2, 5]);
    const sd = model.stateDict();
    expect(Object.keys(sd)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expectShape(sd['0.weight'], [2, 1, 3, 3]);
    expectShape(sd['1.weight'], [5, 2]);
  });
});

describe('LazyLinear', () => {
  it('infers in_features from the last dimension and becomes a Linear', () => {
    const lazy = new LazyLinear(3);
    expect(String(lazy)).toBe('LazyLinear(in_features=0, out_features=3, bias=True)');
    expect(() => lazy.weight).toThrow(/LazyLinear\.weight is uninitialized/);
    const y = lazy.forward(randn([2, 7]));
    expectShape(y, [2, 3]);
    expect(lazy).toBeInstanceOf(Linear);
    expect(lazy.constructor.name).toBe('Linear');
    expect(String(lazy)).toBe('Linear(in_features=7, out_features=3, bias=True)');
    const bound = 1 / Math.sqrt(7);
    expect(absMax(lazy.weight.dataSync())).toBeLessThanOrEqual(bound);
    expect(absMax(lazy.bias!.dataSync())).toBeLessThanOrEqual(bound);
  });
});
