import { type DType, type Tensor, tensor, traceKernels } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../src/functional/index.js';
import { CrossEntropyLoss } from '../src/index.js';
import { type GoldenTensor, loadGolden } from './helpers/golden.js';

interface Case {
  name: string;
  dtype: 'float32' | 'float64';
  reduction: 'mean' | 'sum' | 'none';
  ignore_index: number;
  label_smoothing: number;
  probabilities: boolean;
  x: GoldenTensor;
  target: GoldenTensor;
  weight: GoldenTensor;
  loss: GoldenTensor;
  gy: GoldenTensor;
  gx: GoldenTensor;
}

const { cases } = loadGolden<{ cases: Case[] }>('cross_entropy_weight.json');

function of(g: GoldenTensor, dtype: DType): Tensor {
  return tensor(g.data, { dtype }).reshape(g.shape);
}

/** float64: |a - b| <= 1e-10 + 1e-10 |b|; float32 (PyTorch ran in float32 too): 1e-5 + 1e-4 |b|. */
function expectNear(actual: Tensor, expected: GoldenTensor, dtype: Case['dtype'], what: string): void {
  expect([...actual.shape], `${what}: shape`).toEqual(expected.shape);
  const [abs, rel] = dtype === 'float64' ? [1e-10, 1e-10] : [1e-5, 1e-4];
  const a = actual.dataSync();
  expected.data.forEach((b, i) => {
    const tolerance = abs + rel * Math.abs(b);
    if (!(Math.abs(Number(a[i]) - b) <= tolerance)) {
      expect.fail(`${what}: element ${i} is ${a[i]}, expected ${b} (tolerance ${tolerance})`);
    }
  });
}

describe('cross-entropy with class weights against PyTorch (cross_entropy_weight.json)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const x = of(c.x, c.dtype).requiresGrad_();
      const target = c.probabilities ? of(c.target, c.dtype) : of(c.target, 'int32');
      const loss = new CrossEntropyLoss({
        weight: of(c.weight, c.dtype),
        reduction: c.reduction,
        ignoreIndex: c.ignore_index,
        labelSmoothing: c.label_smoothing,
      }).forward(x, target);
      expectNear(loss, c.loss, c.dtype, 'loss');
      loss.backward(of(c.gy, c.dtype));
      expectNear(x.grad!, c.gx, c.dtype, 'gradient of the input');
    });
  }
});

describe('cross-entropy weight', () => {
  const x = tensor(
    [
      [0.5, -1, 2],
      [1, 0, -0.5],
    ],
    { dtype: 'float64' },
  );
  const target = tensor([2, 0], { dtype: 'int32' });

  it('is a buffer of CrossEntropyLoss: in the state dict when given, absent otherwise', () => {
    const weight = tensor([1, 2, 3]);
    const loss = new CrossEntropyLoss({ weight });
    expect(loss.weight).toBe(weight);
    expect(Object.keys(loss.stateDict())).toEqual(['weight']);
    expect(Object.keys(new CrossEntropyLoss().stateDict())).toEqual([]);
    expect(String(loss)).toBe('CrossEntropyLoss()');
  });

  it('names the op and the shapes for a weight of the wrong length', () => {
    expect(() => crossEntropy(x, target, { weight: tensor([1, 2], { dtype: 'float64' }) })).toThrow(
      'cross_entropy: weight should have one value for each of the 3 classes, got weight of shape [2] (input [2, 3])',
    );
    expect(() => crossEntropy(x, target, { weight: tensor([[1, 2, 3]], { dtype: 'float64' }) })).toThrow(
      'got weight of shape [1, 3]',
    );
  });

  it('names both dtypes for a weight of another dtype than the input', () => {
    expect(() => crossEntropy(x, target, { weight: tensor([1, 2, 3]) })).toThrow(
      'cross_entropy: weight has dtype float32 but input has dtype float64 (weight [3], input [2, 3]); they must match',
    );
    expect(() => crossEntropy(x, target, { weight: tensor([1, 2, 3], { dtype: 'int32' }) })).toThrow(
      'weight has dtype int32',
    );
  });

  it('rejects a weight that is not a tensor', () => {
    expect(() => crossEntropy(x, target, { weight: [1, 2, 3] as unknown as Tensor })).toThrow(
      'cross_entropy: weight should be a Tensor of 3 class weights, got object',
    );
  });

  it("runs @fovea/tensor's one cross-entropy op on [N, C] logits, with or without a constant weight", () => {
    const weight = tensor([0.5, 1.5, 2], { dtype: 'float64' });
    for (const options of [{}, { weight }, { weight, reduction: 'none' as const }]) {
      const { kernels } = traceKernels(() => crossEntropy(x, target, options));
      expect(kernels.map((k) => k.kernel)).toEqual(['crossEntropyForward']);
    }
  });

  it('gives the weight its gradient too (float64 finite differences)', async () => {
    const { gradcheck } = await import('@fovea/autograd');
    const logits = x.clone().requiresGrad_();
    const weight = tensor([0.5, 1.5, 2], { dtype: 'float64' }).requiresGrad_();
    for (const labelSmoothing of [0, 0.2]) {
      expect(
        gradcheck(
          (a: Tensor, w: Tensor) => crossEntropy(a, target, { weight: w, labelSmoothing }),
          [logits, weight],
        ),
      ).toBe(true);
    }
  });
});
