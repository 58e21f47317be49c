// The named kernels are what their names promise: derivative kernels sum to zero (flat regions
// give no response), the blur sums to one (brightness is kept), and Sobel's two directions and
// the two diagonals are each other's transposes or mirror images.
import { describe, expect, it } from 'vitest';
import { KERNEL_PRESETS, type KernelRows } from '../src/index.js';

const sum = (k: KernelRows) => k.flat().reduce((s, v) => s + v, 0);
const transpose = (k: KernelRows) => k[0].map((_, j) => k.map((row) => row[j]));

describe('KERNEL_PRESETS', () => {
  it.each(Object.entries(KERNEL_PRESETS))('%s is a non-empty rectangle of finite numbers', (_, k) => {
    expect(k.length).toBeGreaterThan(0);
    expect(k.every((row) => row.length === k[0].length && row.every(Number.isFinite))).toBe(true);
  });

  it('edge and derivative kernels sum to zero; the blur sums to one', () => {
    for (const name of ['edge', 'sobel-x', 'sobel-y', 'diagonal-down', 'diagonal-up', 'laplacian']) {
      expect(sum(KERNEL_PRESETS[name]), name).toBe(0);
    }
    expect(sum(KERNEL_PRESETS.blur)).toBe(1);
  });

  it('sobel-y is sobel-x transposed, and diagonal-up is diagonal-down upside down', () => {
    expect(transpose(KERNEL_PRESETS['sobel-x'])).toEqual(KERNEL_PRESETS['sobel-y']);
    expect([...KERNEL_PRESETS['diagonal-down']].reverse()).toEqual(KERNEL_PRESETS['diagonal-up']);
  });
});
