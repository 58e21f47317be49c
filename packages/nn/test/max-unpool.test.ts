import { grad } from '@fovea/autograd';
import type { MaxUnpoolCase } from '@fovea/golden';
import type { Tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { functional, MaxPool2d, MaxUnpool2d, Sequential } from '../src/index.js';
import { expectClose, fromGolden, loadGolden } from './helpers/golden.js';

// MaxPool2d({ returnIndices: true }) and MaxUnpool2d against PyTorch's numbers
// (tooling/golden/make/max_unpool.py, float64 rounded here to float32): indices exactly, values
// and gradients with |a - b| <= 1e-4 + 1e-4 |b|.

const { cases } = loadGolden<{ cases: MaxUnpoolCase[] }>('max_unpool.json');

describe('MaxPool2d with returnIndices and MaxUnpool2d', () => {
  it.each(cases.map((c, i) => [i, c] as const))(
    'case %i: pool, unpool and the gradient through both',
    (_i, c) => {
      const pool = new MaxPool2d(c.kernelSize, { ...c.options, returnIndices: true });
      const unpool = new MaxUnpool2d(c.kernelSize, { stride: c.options.stride, padding: c.options.padding });
      const x = fromGolden(c.x).requiresGrad_();
      const [values, indices] = pool.forward(x);
      expect(indices.dtype).toBe('int32');
      expect(Array.from(indices.dataSync())).toEqual(c.indices.data);
      expectClose(values, c.values.data, 'values');
      const unpooled = unpool.forward(values, indices, c.outputSize);
      expect(unpooled.shape).toEqual(c.unpooled.shape);
      expectClose(unpooled, c.unpooled.data, 'unpooled');
      const [gx] = grad(unpooled, x, { gradOutputs: [fromGolden(c.gu)] });
      expectClose(gx as Tensor, c.gx.data, 'gradient on x');
    },
  );

  it('functional.maxUnpool2d is the same op', () => {
    const c = cases[1];
    const [values, indices] = functional.maxPool2d(fromGolden(c.x), c.kernelSize, {
      ...c.options,
      returnIndices: true,
    });
    const unpooled = functional.maxUnpool2d(values, indices, c.kernelSize, { outputSize: c.outputSize });
    expectClose(unpooled, c.unpooled.data, 'unpooled');
  });

  it('a MaxPool2d without returnIndices still returns the values alone, in a Sequential too', () => {
    const x = fromGolden(cases[0].x);
    const y = new Sequential(new MaxPool2d(2)).forward(x) as Tensor;
    expectClose(y, cases[0].values.data, 'values');
  });

  it("MaxUnpool2d's errors name the op", () => {
    const c = cases[0];
    const [values, indices] = new MaxPool2d(2, { returnIndices: true }).forward(fromGolden(c.x));
    expect(() => new MaxUnpool2d(2).forward(values, indices, [9, 9])).toThrow(
      'max_unpool2d: invalid outputSize [9,9] (dim 0 must be between 2 and 6',
    );
    expect(() => new MaxUnpool2d(2).forward(values, indices.reshape([2, 2, 2]))).toThrow(
      'max_unpool2d: expected indices of the same shape as the input [1, 2, 2, 2]',
    );
  });

  it('print as PyTorch 1.13 prints them', () => {
    // Strings printed by torch.nn.MaxUnpool2d(2), MaxUnpool2d((2, 3), stride=1, padding=1) and
    // MaxPool2d(2, return_indices=True) (whose repr does not show return_indices).
    expect(String(new MaxUnpool2d(2))).toBe('MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))');
    expect(String(new MaxUnpool2d([2, 3], { stride: 1, padding: 1 }))).toBe(
      'MaxUnpool2d(kernel_size=(2, 3), stride=(1, 1), padding=(1, 1))',
    );
    expect(String(new MaxPool2d(2, { returnIndices: true }))).toBe(
      'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
    );
  });
});
