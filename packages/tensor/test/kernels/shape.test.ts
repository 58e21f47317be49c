import { describe, expect, it } from 'vitest';
import {
  convOutputSize,
  expandPair,
  poolOutputSize,
  resolveConvPadding,
  samePadding,
} from '../../src/kernels/shape.js';

describe('output sizes', () => {
  it('convOutputSize: floor((in + pads - d (k - 1) - 1) / s) + 1', () => {
    expect(convOutputSize(8, 3, 1, 1, 1, 1)).toBe(8);
    expect(convOutputSize(7, 3, 2, 0, 0, 1)).toBe(3);
    expect(convOutputSize(10, 3, 2, 1, 1, 2)).toBe(4);
    expect(convOutputSize(5, 4, 1, 1, 2, 1)).toBe(5);
  });

  it('poolOutputSize: ceil mode keeps the last window starting inside input or left padding', () => {
    expect(poolOutputSize(5, 2, 2, 0, 1, false)).toBe(2);
    expect(poolOutputSize(5, 2, 2, 0, 1, true)).toBe(3);
    // ceil((5 + 2 - 2) / 3) + 1 = 3, but the third window would start at 6 >= 5 + 1.
    expect(poolOutputSize(5, 2, 3, 1, 1, true)).toBe(2);
    expect(poolOutputSize(9, 3, 3, 1, 2, false)).toBe(3);
  });
});

describe('padding', () => {
  it("samePadding splits d (k - 1) with the extra pad at the end, as PyTorch's Conv2d", () => {
    expect(samePadding(3, 1)).toEqual([1, 1]);
    expect(samePadding(4, 1)).toEqual([1, 2]);
    expect(samePadding(2, 3)).toEqual([1, 2]);
    expect(samePadding(1, 5)).toEqual([0, 0]);
  });

  it('resolveConvPadding gives [top, bottom, left, right]', () => {
    expect(resolveConvPadding('same', [4, 3], [1, 2], [1, 1])).toEqual([1, 2, 2, 2]);
    expect(resolveConvPadding('valid', [4, 3], [1, 1], [2, 2])).toEqual([0, 0, 0, 0]);
    expect(resolveConvPadding(2, [3, 3], [1, 1], [2, 2])).toEqual([2, 2, 2, 2]);
    expect(resolveConvPadding([1, 0], [3, 3], [1, 1], [1, 1])).toEqual([1, 1, 0, 0]);
  });

  it("rejects 'same' for strided convolutions with PyTorch's message, and bad specs", () => {
    expect(() => resolveConvPadding('same', [3, 3], [1, 1], [2, 1])).toThrow(
      "conv2d: padding='same' is not supported for strided convolutions",
    );
    expect(() => resolveConvPadding('full' as 'same', [3, 3], [1, 1], [1, 1])).toThrow(
      "conv2d: invalid padding string 'full'",
    );
    expect(() => resolveConvPadding(-1, [3, 3], [1, 1], [1, 1])).toThrow(
      'conv2d: padding must be non-negative integers, got [-1, -1]',
    );
    expect(() => expandPair('conv2d', 'stride', [1, 2, 3] as unknown as [number, number])).toThrow(
      "conv2d: argument 'stride' must be an integer or [h, w], got [1, 2, 3]",
    );
    expect(() => expandPair('conv2d', 'stride', 1.5)).toThrow('conv2d: stride must be integers');
  });
});
