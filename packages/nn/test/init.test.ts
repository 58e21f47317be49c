import { Generator, manualSeed, type Tensor, zeros } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { init, Parameter } from '../src/index.js';

function absMax(t: Tensor): number {
  return Array.from(t.dataSync()).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function std(t: Tensor): number {
  const values = Array.from(t.dataSync());
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}

describe('init', () => {
  it("computes fans and gains with PyTorch's formulas", () => {
    expect(init.calculateFanInAndFanOut(zeros([16, 3, 5, 5]))).toEqual({ fanIn: 75, fanOut: 400 });
    expect(init.calculateFanInAndFanOut(zeros([10, 4]))).toEqual({ fanIn: 4, fanOut: 10 });
    expect(() => init.calculateFanInAndFanOut(zeros([4]))).toThrow(/fewer than 2 dimensions/);
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as 'relu')).toThrow('Unsupported nonlinearity swish');
  });

  it('kaimingUniform_ draws from U(-gain sqrt(3 / fan), +...) and works on parameters', () => {
    const w = new Parameter(zeros([64, 32, 3, 3]));
    init.kaimingUniform_(w);
    // a = 0 with leaky_relu: gain sqrt(2 / (1 + 0^2)) = sqrt(2); fan_in = 32 * 3 * 3 = 288
    const bound = Math.SQRT2 * Math.sqrt(3 / 288);
    expect(absMax(w)).toBeLessThanOrEqual(bound);
    expect(absMax(w)).toBeGreaterThan(0.99 * bound);
    expect(w.requiresGrad).toBe(true);
    expect(w.gradFn).toBeNull();
    init.kaimingUniform_(w, { a: Math.sqrt(5) });
    expect(absMax(w)).toBeLessThanOrEqual(1 / Math.sqrt(288));
    init.kaimingUniform_(w, { mode: 'fan_out', nonlinearity: 'relu' });
    expect(absMax(w)).toBeLessThanOrEqual(Math.SQRT2 * Math.sqrt(3 / (64 * 9)));
    expect(absMax(w)).toBeGreaterThan(0.99 * Math.SQRT2 * Math.sqrt(3 / (64 * 9)));
    expect(() => init.kaimingUniform_(w, { mode: 'fan_avg' as 'fan_in' })).toThrow(
      'Mode fan_avg not supported, please use one of fan_in, fan_out',
    );
  });

  it('kaimingNormal_ and xavierNormal_ have the stated standard deviations', () => {
    const w = zeros([256, 128]);
    init.kaimingNormal_(w, { nonlinearity: 'relu' });
    expect(std(w) / Math.sqrt(2 / 128)).toBeCloseTo(1, 1);
    init.xavierNormal_(w, { gain: 2 });
    expect(std(w) / (2 * Math.sqrt(2 / (256 + 128)))).toBeCloseTo(1, 1);
  });

  it('xavierUniform_ draws from U(-a, a) with a = gain sqrt(6 / (fan_in + fan_out))', () => {
    const w = zeros([100, 50]);
    init.xavierUniform_(w);
    const a = Math.sqrt(6 / 150);
    expect(absMax(w)).toBeLessThanOrEqual(a);
    expect(absMax(w)).toBeGreaterThan(0.99 * a);
  });

  it('fills constants, and uniform_/normal_ take a generator', () => {
    const p = new Parameter(zeros([3]));
    expect(init.ones_(p).toArray()).toEqual([1, 1, 1]);
    expect(init.zeros_(p).toArray()).toEqual([0, 0, 0]);
    expect(init.constant_(p, 0.5).toArray()).toEqual([0.5, 0.5, 0.5]);
    const a = init.uniform_(zeros([5]), -2, 2, { generator: new Generator(3) });
    const b = init.uniform_(zeros([5]), -2, 2, { generator: new Generator(3) });
    expect(a.toArray()).toEqual(b.toArray());
    expect(a.dataSync().every((v) => v >= -2 && v < 2)).toBe(true);
    manualSeed(0);
    // torch.manual_seed(0); torch.empty(3).uniform_() -> tensor([0.4963, 0.7682, 0.0885])
    const c = init.uniform_(zeros([3]));
    expect(Array.from(c.dataSync(), (v) => v.toFixed(4))).toEqual(['0.4963', '0.7682', '0.0885']);
    const n = init.normal_(zeros([1000]), 3, 0.5);
    expect(std(n)).toBeCloseTo(0.5, 1);
  });

  it('leaves zero-element tensors alone, as PyTorch does', () => {
    const empty = zeros([4, 0, 3, 3]);
    expect(init.kaimingUniform_(empty)).toBe(empty);
    expect(init.kaimingNormal_(empty)).toBe(empty);
  });
});
