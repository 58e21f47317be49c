import { describe, expect, it } from 'vitest';
import { corr2d, ones, type Tensor, tensor } from '../src/index.js';
import { goldenValue, loadGolden, type ReprCase } from './golden.js';

const { cases } = loadGolden<{ cases: Record<string, ReprCase> }>('tensor_repr.json');

// "Convolutions for Images", the first four printing cells, typed as CHAPTER.md writes them.
describe('the chapter prints what PyTorch prints', () => {
  it('the cross-correlation operation', () => {
    const X = tensor([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    const K = tensor([
      [0, 1],
      [2, 3],
    ]);
    expect(String(corr2d(X, K))).toBe(cases.chapter_corr2d.repr);
  });

  const img = ones([6, 8]);
  img.slice(':', '2:6').fill_(0);
  const K = tensor([[1, -1]]);

  it('object edge detection: the image', () => {
    expect(String(img)).toBe(cases.chapter_X.repr);
  });

  it('object edge detection: the edges', () => {
    expect(String(corr2d(img, K))).toBe(cases.chapter_Y.repr);
  });

  it('the transposed image has no vertical edges', () => {
    expect(String(corr2d(img.t(), K))).toBe(cases.chapter_zeros_8x5.repr);
  });
});

/**
 * A golden case built as a Fovea tensor from its flat data, reshaped when it has another shape
 * (a reshape would give a requires-grad leaf history). PyTorch's int64 is Fovea's int32.
 */
function build(c: ReprCase): Tensor {
  const dtype = c.dtype === 'int64' ? 'int32' : c.dtype;
  const values = c.data.map(goldenValue);
  const flat = tensor(dtype === 'bool' ? values.map(Boolean) : values.map(Number), {
    dtype,
    requiresGrad: c.repr.includes('requires_grad=True'),
  });
  return c.shape.length === 1 ? flat : flat.reshape(c.shape);
}

describe('every golden repr, printed by Tensor.toString()', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const t = build(c);
      expect(t.shape).toEqual(c.shape);
      expect(t.toString()).toBe(c.repr);
    });
  }
});
