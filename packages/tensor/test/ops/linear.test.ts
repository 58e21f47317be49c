import { gradcheck } from '@fovea/autograd';
import { describe, expect, it } from 'vitest';
import { Generator, linear, randn, type Tensor, tensor, traceKernels } from '../../src/index.js';

// linear as one GEMM with its bias (PyTorch's addmm): against matmul + add, which it replaces
// for 2-D inputs on the host, and float64 finite differences (gradcheck's defaults).

const draw = (shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float32'): Tensor =>
  randn(shape, { dtype, generator: new Generator(seed) });

describe('linear', () => {
  it('is one GEMM, bias included, and no separate add', () => {
    const x = draw([4, 6], 1);
    const w = draw([3, 6], 2);
    const b = draw([3], 3);
    const kernels = traceKernels(() => linear(x, w, b)).kernels.map((k) => k.kernel);
    expect(kernels).toEqual(['gemm']);
  });

  it('gives the bits of matmul then add when the inner dimension fits one GEMM block', () => {
    const x = draw([33, 100], 4);
    const w = draw([20, 100], 5);
    const b = draw([20], 6);
    expect([...linear(x, w, b).dataSync()]).toEqual([...x.matmul(w.t()).add(b).dataSync()]);
    expect([...linear(x, w).dataSync()]).toEqual([...x.matmul(w.t()).dataSync()]);
  });

  it('agrees with matmul then add to float32 rounding over several GEMM blocks (in = 400)', () => {
    const x = draw([8, 400], 7);
    const w = draw([12, 400], 8);
    const b = draw([12], 9);
    const expected = x.matmul(w.t()).add(b).dataSync();
    linear(x, w, b)
      .dataSync()
      .forEach((v, i) => {
        expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(expected[i])));
      });
  });

  it('passes gradcheck in float64, with and without bias, weight read transposed in place', () => {
    const x = draw([5, 4], 10, 'float64').requiresGrad_();
    const w = draw([3, 4], 11, 'float64').requiresGrad_();
    const b = draw([3], 12, 'float64').requiresGrad_();
    expect(gradcheck((xi, wi, bi) => linear(xi, wi, bi), [x, w, b])).toBe(true);
    expect(gradcheck((xi, wi) => linear(xi, wi), [x, w])).toBe(true);
  });

  it('records AddmmBackward0 and gives the gradients of matmul then add', () => {
    const grads = (fused: boolean) => {
      const x = draw([2, 3], 13).requiresGrad_();
      const w = draw([4, 3], 14).requiresGrad_();
      const b = draw([4], 15).requiresGrad_();
      const y = fused ? linear(x, w, b) : x.matmul(w.t()).add(b);
      if (fused) expect(y.gradFn?.name).toBe('AddmmBackward0');
      y.mul(draw([2, 4], 16))
        .sum()
        .backward();
      return [x, w, b].map((t) => [...t.grad!.dataSync()]);
    };
    expect(grads(true)).toEqual(grads(false));
  });

  it('takes other ranks through matmul and add, with their errors', () => {
    const w = draw([2, 3], 16);
    expect([...linear(draw([4, 5, 3], 17), w, tensor([1, 2])).shape]).toEqual([4, 5, 2]);
    expect([...linear(draw([3], 18), w).shape]).toEqual([2]);
    expect(() => linear(draw([4, 5], 19), w)).toThrow(/cannot be multiplied/);
  });
});
