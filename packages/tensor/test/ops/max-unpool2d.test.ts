import { grad, gradgradcheck } from '@fovea/autograd';
import type { MaxUnpoolCase } from '@fovea/golden';
import { describe, expect, it } from 'vitest';
import {
  Generator,
  maxPool2d,
  maxUnpool2d,
  randn,
  type Tensor,
  tensor,
  withShapesOnly,
  zeros,
} from '../../src/index.js';
import { expectClose, type GoldenTensor, loadGolden } from '../kernels/helpers.js';

// maxPool2d(..., { returnIndices: true }) and maxUnpool2d against PyTorch
// (tooling/golden/make/max_unpool.py): indices exactly, values and gradients with
// |a - b| <= 1e-12 + 1e-12 |b| in float64 (they are copies and sums of copies) and
// 1e-6 + 1e-6 |b| in float32 (the same cases rounded, which runs the float32 kernels).

const golden = loadGolden<{ cases: MaxUnpoolCase[] }>('max_unpool.json');

const fromGolden = (g: GoldenTensor, dtype: 'float32' | 'float64'): Tensor =>
  tensor(Float64Array.from(g.data), { dtype: 'float64' }).reshape(g.shape).to(dtype);

describe('maxPool2d returnIndices and maxUnpool2d against PyTorch', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? ([1e-12, 1e-12] as const) : ([1e-6, 1e-6] as const);
    it.each(golden.cases.map((c, i) => [`${i} ${dtype} ${JSON.stringify(c.options)}`, c] as const))(
      '%s',
      (label, c) => {
        const x = fromGolden(c.x, dtype).requiresGrad_();
        const [values, indices] = maxPool2d(x, c.kernelSize, { ...c.options, returnIndices: true });
        expect(indices.dtype).toBe('int32');
        expect(indices.shape).toEqual(c.indices.shape);
        expect(Array.from(indices.dataSync())).toEqual(c.indices.data);
        expectClose(values.dataSync(), c.values.data, `${label}: values`, ...tol);
        const { stride, padding } = c.options;
        const unpooled = maxUnpool2d(values, indices, c.kernelSize, {
          stride,
          padding,
          outputSize: c.outputSize,
        });
        expect(unpooled.shape).toEqual(c.unpooled.shape);
        expect(unpooled.gradFn?.name).toBe('MaxUnpool2DBackward0');
        expectClose(unpooled.dataSync(), c.unpooled.data, `${label}: unpooled`, ...tol);
        const [gvalues, gx] = grad(unpooled, [values, x], { gradOutputs: [fromGolden(c.gu, dtype)] });
        expectClose(gvalues!.dataSync(), c.gvalues.data, `${label}: gradient on the values`, ...tol);
        expectClose(gx!.dataSync(), c.gx.data, `${label}: gradient on x`, ...tol);
      },
    );
  }
});

describe('maxUnpool2d', () => {
  const x = randn([1, 2, 4, 4], { dtype: 'float64', generator: new Generator(3) });
  const [values, indices] = maxPool2d(x, 2, { returnIndices: true });

  it('has second derivatives (gradgradcheck, float64)', () => {
    const v = values.detach().requiresGrad_();
    expect(gradgradcheck((t: Tensor) => maxUnpool2d(t, indices, 2, { outputSize: [5, 5] }), [v])).toBe(true);
  });

  it('keeps its own indices when the returned ones are written to', () => {
    const leaf = x.detach().requiresGrad_();
    const [y, idx] = maxPool2d(leaf, 2, { returnIndices: true });
    idx.fill_(0);
    y.sum().backward();
    expect(leaf.grad!.sum().item()).toBe(8);
    expect(Array.from(leaf.grad!.dataSync()).filter((g) => g === 1).length).toBe(8);
  });

  it('names the op and the shapes in its errors, as PyTorch checks them', () => {
    expect(() => maxUnpool2d(values, indices.add(100), 2)).toThrow(
      /^max_unpool2d: found an invalid max index 1\d\d /,
    );
    expect(() => maxUnpool2d(values, indices.add(100), 2)).toThrow('output planes are of size 4x4');
    expect(() => maxUnpool2d(values, indices.slice(':', '0:1'), 2)).toThrow(
      'max_unpool2d: expected indices of the same shape as the input [1, 2, 2, 2], got indices of shape [1, 1, 2, 2]',
    );
    expect(() => maxUnpool2d(values, indices.to('float64'), 2)).toThrow(
      "max_unpool2d: expected int32 indices (PyTorch's int64), got float64",
    );
    expect(() => maxUnpool2d(values.reshape([8]), indices.reshape([8]), 2)).toThrow(
      'max_unpool2d: expected a 3-D or 4-D input, got a tensor with 1 dimensions [8]',
    );
    expect(() => maxUnpool2d(values, indices, 2, { outputSize: [9, 9] })).toThrow(
      'max_unpool2d: invalid outputSize [9,9] (dim 0 must be between 2 and 6, exclusive, for input [1, 2, 2, 2])',
    );
    expect(() => maxUnpool2d(values, indices, 2, { outputSize: [1, 2, 3] })).toThrow(
      'max_unpool2d: outputSize should have 2 or 4 elements, but it has 3',
    );
    expect(() => maxUnpool2d(values, zeros([1, 2, 2, 2]).to('int32').sub(1), 2)).toThrow(
      'max_unpool2d: found an invalid max index -1',
    );
  });

  it('traces shapes only: indices and the unpooled shape without the arithmetic', () => {
    const [v, idx, up] = withShapesOnly(() => {
      const big = zeros([1, 3, 1001, 999]).requiresGrad_();
      const [pooled, positions] = maxPool2d(big, 3, { stride: 2, padding: 1, returnIndices: true });
      return [
        pooled,
        positions,
        maxUnpool2d(pooled, positions, 3, { stride: 2, padding: 1, outputSize: [1001, 999] }),
      ];
    });
    expect([v.shape, idx.shape, idx.dtype, up.shape]).toEqual([
      [1, 3, 501, 500],
      [1, 3, 501, 500],
      'int32',
      [1, 3, 1001, 999],
    ]);
  });

  it('accepts outputSize with the leading dimensions, as PyTorch does', () => {
    const a = maxUnpool2d(values, indices, 2, { outputSize: [1, 2, 5, 4] });
    expect(a.shape).toEqual([1, 2, 5, 4]);
  });
});
