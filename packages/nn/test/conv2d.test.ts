import type { Conv2dCase } from '@fovea/golden';
import { randn, zeros } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { Conv2d, type PaddingMode } from '../src/index.js';
import { expectClose, expectShape, fromGolden, loadGolden } from './helpers/golden.js';

const { cases } = loadGolden<{ cases: Conv2dCase[] }>('conv2d_visible.json');

describe('Conv2d against torch.nn.Conv2d (conv2d_visible.json), through the layer', () => {
  it('covers every padding mode and padding kind', () => {
    expect(new Set(cases.map((c) => c.config.padding_mode))).toEqual(
      new Set(['zeros', 'reflect', 'replicate', 'circular']),
    );
    expect(cases.some((c) => c.config.padding === 'same')).toBe(true);
    expect(cases.some((c) => c.config.padding === 'valid')).toBe(true);
  });

  for (const [i, c] of cases.entries()) {
    const cfg = c.config;
    it(`case ${i}: ${JSON.stringify(cfg)}`, () => {
      const layer = new Conv2d(cfg.in_channels, cfg.out_channels, cfg.kernel_size, {
        stride: cfg.stride,
        padding: cfg.padding,
        dilation: cfg.dilation,
        groups: cfg.groups,
        bias: cfg.bias,
        paddingMode: cfg.padding_mode,
      });
      const state: Record<string, ReturnType<typeof fromGolden>> = { weight: fromGolden(c.weight) };
      if (c.bias !== null) state.bias = fromGolden(c.bias);
      layer.loadStateDict(state);
      const x = fromGolden(c.x).requiresGrad_();
      const y = layer.forward(x);
      expectShape(y, c.y.shape);
      expectClose(y, c.y.data, 'y');
      y.backward(fromGolden(c.gy));
      expectClose(x.grad!, c.gx.data, 'gx');
      expectClose(layer.weight.grad!, c.gweight.data, 'gweight');
      if (c.gbias !== null) expectClose(layer.bias!.grad!, c.gbias.data, 'gbias');

      // Unbatched input gives the first sample's output.
      const single = layer.forward(fromGolden(c.x).select(0, 0));
      expectClose(single, y.select(0, 0).dataSync(), 'unbatched y');
    });
  }
});

describe('Conv2d construction and input checks', () => {
  it("validates its arguments with PyTorch's messages", () => {
    expect(() => new Conv2d(4, 4, 3, { groups: 0 })).toThrow('Conv2d: groups must be a positive integer');
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(
      'Conv2d: in_channels must be divisible by groups',
    );
    expect(() => new Conv2d(4, 3, 3, { groups: 2 })).toThrow(
      'Conv2d: out_channels must be divisible by groups',
    );
    expect(() => new Conv2d(1, 1, 3, { padding: 'full' as 'same' })).toThrow(
      "Conv2d: Invalid padding string 'full', should be one of {'same', 'valid'}",
    );
    expect(() => new Conv2d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow(
      "Conv2d: padding='same' is not supported for strided convolutions",
    );
    expect(() => new Conv2d(1, 1, 3, { paddingMode: 'mirror' as PaddingMode })).toThrow(
      "Conv2d: padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='mirror'",
    );
    expect(() => new Conv2d(1, 1, 0)).toThrow('Conv2d: kernel_size must be positive integers, got 0');
    expect(() => new Conv2d(1, 1, [2, 1.5] as [number, number])).toThrow(
      /kernel_size must be positive integers/,
    );
    expect(() => new Conv2d(1, 1, 3, { stride: [1, 0] })).toThrow(
      'Conv2d: stride must be positive integers, got [1, 0]',
    );
    expect(() => new Conv2d(1, 1, 3, { padding: -1 })).toThrow(/padding must be non-negative integers/);
    expect(() => new Conv2d(-1, 1, 3)).toThrow('Conv2d: in_channels must be a non-negative integer, got -1');
  });

  it('names the layer, the expected channels and the shape it got', () => {
    const conv = new Conv2d(3, 16, [3, 3]);
    expect(() => conv.forward(zeros([2, 4, 32, 32]))).toThrow(
      'Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1)): expected input with 3 channels, got [2, 4, 32, 32]',
    );
    expect(() => conv.forward(zeros([32, 32]))).toThrow(
      'Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1)): expected 3-D (unbatched) or 4-D (batched) input, got [32, 32]',
    );
  });

  it("pads 'same' with a non-zeros mode as PyTorch does (the extra pixel at the end)", () => {
    const conv = new Conv2d(1, 1, [2, 4], { padding: 'same', paddingMode: 'replicate', bias: false });
    const x = randn([1, 1, 5, 6]);
    expectShape(conv.forward(x), [1, 1, 5, 6]);
    // A kernel that reads only its top-left tap returns the input shifted by the left/top padding:
    // d(k - 1) = 1 row splits 0 before and 1 after, 3 columns split 1 before and 2 after.
    conv.loadStateDict({ weight: zeros([1, 1, 2, 4]).set([0, 0, 0, 1], 1) });
    expectClose(conv.forward(x), x.dataSync(), 'same with replicate');
  });

  it('initialises weight and bias within 1/sqrt(fan_in), as PyTorch does', () => {
    const conv = new Conv2d(6, 8, [3, 5], { groups: 2 });
    const bound = 1 / Math.sqrt(3 * 3 * 5);
    const w = conv.weight.dataSync();
    const b = conv.bias!.dataSync();
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(conv.weight.requiresGrad).toBe(true);
  });
});
