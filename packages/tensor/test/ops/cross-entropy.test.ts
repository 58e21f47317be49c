import { gradcheck, gradgradcheck } from '@fovea/autograd';
import { describe, expect, it } from 'vitest';
import {
  type DType,
  Generator,
  randn,
  registeredKernels,
  sparseSoftmaxCrossEntropy,
  type Tensor,
  tensor,
  traceKernels,
} from '../../src/index.js';
import { expectClose, type GoldenTensor, loadGolden } from '../kernels/helpers.js';

// The fused cross-entropy against PyTorch's F.cross_entropy with class indices
// (tooling/golden/make/cross_entropy_indices.py): the loss and x.grad for loss.backward(gy).
// Tolerances: float64 1e-12 absolute and relative (another summation order than PyTorch's);
// float32 1e-6 absolute, 1e-5 relative (PyTorch's vectorised exp is not V8's).

interface Case {
  name: string;
  dtype: 'float32' | 'float64';
  reduction: 'mean' | 'sum' | 'none';
  ignore_index: number;
  x: GoldenTensor;
  target: GoldenTensor;
  loss: GoldenTensor;
  gy: GoldenTensor;
  gx: GoldenTensor;
}

const { cases } = loadGolden<{ cases: Case[] }>('cross_entropy_indices.json');

const of = (g: GoldenTensor, dtype: DType): Tensor => tensor(g.data, { dtype }).reshape(g.shape);

describe('sparseSoftmaxCrossEntropy against PyTorch', () => {
  it('is a registered kernel each way', () => {
    expect(registeredKernels()).toEqual(
      expect.arrayContaining(['crossEntropyForward', 'crossEntropyBackward']),
    );
  });

  for (const c of cases) {
    it(c.name, () => {
      const [atol, rtol] = c.dtype === 'float64' ? [1e-12, 1e-12] : [1e-6, 1e-5];
      const x = of(c.x, c.dtype).requiresGrad_();
      const loss = sparseSoftmaxCrossEntropy(x, of(c.target, 'int32'), {
        reduction: c.reduction,
        ignoreIndex: c.ignore_index,
      });
      expect([...loss.shape]).toEqual(c.loss.shape);
      expect(loss.gradFn?.name).toBe('NllLossBackward0');
      expectClose(loss.dataSync(), c.loss.data, `${c.name}: loss`, atol, rtol);
      loss.backward(of(c.gy, c.dtype));
      expectClose(x.grad!.dataSync(), c.gx.data, `${c.name}: gx`, atol, rtol);
    });
  }
});

describe('sparseSoftmaxCrossEntropy gradients', () => {
  const x = () => randn([5, 4], { dtype: 'float64', generator: new Generator(3) }).requiresGrad_();
  const target = tensor([0, 3, -100, 1, 2], { dtype: 'int32' });

  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`gradcheck and gradgradcheck, reduction '${reduction}', one row ignored`, () => {
      const f = (v: Tensor) => sparseSoftmaxCrossEntropy(v, target, { reduction });
      expect(gradcheck(f, [x()])).toBe(true);
      expect(gradgradcheck(f, [x()], { seed: 7 })).toBe(true);
    });
  }
});

describe('sparseSoftmaxCrossEntropy errors', () => {
  const x = tensor([
    [1, 2, 3],
    [0, 0, 1],
  ]);
  it('names the target out of range, its row and the logits', () => {
    expect(() => sparseSoftmaxCrossEntropy(x, tensor([0, 3], { dtype: 'int32' }))).toThrow(
      'sparse_softmax_cross_entropy: Target 3 is out of bounds. Class indices must lie in [0, 3) (row 1 of logits [2, 3])',
    );
  });
  it('names wrong shapes and dtypes', () => {
    expect(() => sparseSoftmaxCrossEntropy(x, tensor([0, 1, 2], { dtype: 'int32' }))).toThrow(
      'expected int32 class indices of shape [2] for logits [2, 3], got int32 [3]',
    );
    expect(() => sparseSoftmaxCrossEntropy(x, tensor([0, 1]))).toThrow('got float32 [2]');
    expect(() => sparseSoftmaxCrossEntropy(tensor([1, 2]), tensor([0], { dtype: 'int32' }))).toThrow(
      'expected floating point logits [N, C], got float32 [2]',
    );
    expect(() =>
      sparseSoftmaxCrossEntropy(x, tensor([0, 1], { dtype: 'int32' }), { reduction: 'avg' as 'mean' }),
    ).toThrow(/reduction/);
  });
});

describe('sparseSoftmaxCrossEntropy with class weights', () => {
  // PyTorch's cases of F.cross_entropy with a weight (tooling/golden/make/cross_entropy_weight.py)
  // that the fused op takes: [N, C] logits, class indices, no label smoothing.
  interface WeightCase extends Case {
    label_smoothing: number;
    probabilities: boolean;
    weight: GoldenTensor;
  }
  const weightCases = loadGolden<{ cases: WeightCase[] }>('cross_entropy_weight.json').cases.filter(
    (c) => !c.probabilities && c.label_smoothing === 0 && c.x.shape.length === 2,
  );

  it('covers every reduction and a non-default ignoreIndex', () => {
    expect(new Set(weightCases.map((c) => c.reduction))).toEqual(new Set(['mean', 'sum', 'none']));
    expect(weightCases.some((c) => c.ignore_index !== -100)).toBe(true);
  });

  for (const c of weightCases) {
    it(`against PyTorch: ${c.name}`, () => {
      const x = of(c.x, c.dtype).requiresGrad_();
      const { result: loss, kernels } = traceKernels(() =>
        sparseSoftmaxCrossEntropy(x, of(c.target, 'int32'), {
          reduction: c.reduction,
          ignoreIndex: c.ignore_index,
          weight: of(c.weight, c.dtype),
        }),
      );
      expect(kernels.map((k) => k.kernel)).toEqual(['crossEntropyForward']);
      expect([...loss.shape]).toEqual(c.loss.shape);
      expectClose(loss.dataSync(), c.loss.data, `${c.name}: loss`, 1e-12, 1e-12);
      loss.backward(of(c.gy, c.dtype));
      expectClose(x.grad!.dataSync(), c.gx.data, `${c.name}: gx`, 1e-12, 1e-12);
    });
  }

  const x = () => randn([5, 4], { dtype: 'float64', generator: new Generator(5) }).requiresGrad_();
  const target = tensor([0, 3, -100, 1, 3], { dtype: 'int32' });
  const weight = tensor([0.5, 2, 1.5, 0.25], { dtype: 'float64' });
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`gradcheck and gradgradcheck, reduction '${reduction}'`, () => {
      const f = (v: Tensor) => sparseSoftmaxCrossEntropy(v, target, { reduction, weight });
      expect(gradcheck(f, [x()])).toBe(true);
      expect(gradgradcheck(f, [x()], { seed: 7 })).toBe(true);
    });
  }

  it('weights of 1 give the unweighted bits', () => {
    const logits = randn([6, 5], { generator: new Generator(9) });
    const labels = tensor([4, 0, -100, 2, 2, 1], { dtype: 'int32' });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const plain = sparseSoftmaxCrossEntropy(logits, labels, { reduction });
      const ones = sparseSoftmaxCrossEntropy(logits, labels, { reduction, weight: tensor([1, 1, 1, 1, 1]) });
      expect(Array.from(ones.dataSync())).toEqual(Array.from(plain.dataSync()));
    }
  });

  it('names a weight of the wrong shape or dtype, and one that asks for a gradient', () => {
    const logits = tensor([
      [1, 2, 3],
      [0, 0, 1],
    ]);
    const labels = tensor([0, 2], { dtype: 'int32' });
    expect(() => sparseSoftmaxCrossEntropy(logits, labels, { weight: tensor([1, 2]) })).toThrow(
      'sparse_softmax_cross_entropy: expected a float32 weight of shape [3] for logits [2, 3], got float32 [2]',
    );
    expect(() =>
      sparseSoftmaxCrossEntropy(logits, labels, { weight: tensor([1, 2, 3], { dtype: 'float64' }) }),
    ).toThrow('got float64 [3]');
    expect(() =>
      sparseSoftmaxCrossEntropy(logits, labels, { weight: tensor([1, 2, 3]).requiresGrad_() }),
    ).toThrow('sparse_softmax_cross_entropy: the weight takes no gradient; pass weight.detach()');
  });
});
