import { grad } from '@fovea/autograd';
import { describe, expect, it } from 'vitest';
import {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type Conv2dOptions,
  conv2d,
  type MaxPool2dOptions,
  maxPool2d,
  type PadMode,
  pad,
  type Tensor,
  tensor,
  type UnfoldOptions,
  unfold,
} from '../../src/index.js';
import { expectClose, type GoldenTensor, loadGolden } from '../kernels/helpers.js';

// Gradient penalties against PyTorch (tooling/golden/make/double_backward.py), in float64:
// g = grad(out, [x, weight, bias], gy, createGraph), L = sum_i sum(g_i^2), L.backward(); the
// first gradients and L's gradients on x, weight, bias and gy are compared with
// |a - b| <= 1e-10 + 1e-9 |b| (float64 arithmetic, summed in another order than PyTorch's).

type Pair = number | [number, number];

interface DoubleBackwardCase {
  op: 'conv2d' | 'max_pool2d' | 'avg_pool2d' | 'adaptive_avg_pool2d' | 'pad' | 'unfold';
  /** Each op's options in Fovea's names, with the positional arguments among them. */
  options: Conv2dOptions &
    MaxPool2dOptions &
    AvgPool2dOptions &
    UnfoldOptions & { kernelSize?: Pair; outputSize?: Pair; pads?: number[]; mode?: PadMode; value?: number };
  x: GoldenTensor;
  weight?: GoldenTensor;
  bias?: GoldenTensor;
  gy: GoldenTensor;
  out: GoldenTensor;
  first: GoldenTensor[];
  penalty: number;
  second: Record<'x' | 'weight' | 'bias' | 'gy', GoldenTensor | undefined>;
}

const golden = loadGolden<{ cases: DoubleBackwardCase[] }>('double_backward.json');

const leaf = (g: GoldenTensor): Tensor =>
  tensor(Float64Array.from(g.data), { dtype: 'float64' }).reshape(g.shape).detach().requiresGrad_();

function run(c: DoubleBackwardCase, x: Tensor, w: Tensor | null, b: Tensor | null): Tensor {
  const o = c.options;
  const k = o.kernelSize as Pair;
  switch (c.op) {
    case 'conv2d':
      return conv2d(x, w!, b, o);
    case 'max_pool2d':
      return maxPool2d(x, k, { ...o, returnIndices: false });
    case 'avg_pool2d':
      return avgPool2d(x, k, o);
    case 'adaptive_avg_pool2d':
      return adaptiveAvgPool2d(x, o.outputSize!);
    case 'pad':
      return pad(x, o.pads!, o.mode, o.value);
    case 'unfold':
      return unfold(x, k, o);
  }
}

const tolerance = [1e-10, 1e-9] as const;

describe('gradient penalties against PyTorch (float64)', () => {
  it.each(golden.cases.map((c, i) => [`${i} ${c.op} ${JSON.stringify(c.options)}`, c] as const))(
    '%s',
    (label, c) => {
      const x = leaf(c.x);
      const w = c.weight ? leaf(c.weight) : null;
      const b = c.bias ? leaf(c.bias) : null;
      const gy = leaf(c.gy);
      const out = run(c, x, w, b);
      expectClose(out.dataSync(), c.out.data, `${label}: out`, ...tolerance);
      const inputs = [x, w, b].filter((t): t is Tensor => t !== null);
      const first = grad(out, inputs, { gradOutputs: [gy], createGraph: true });
      expect(first.length).toBe(c.first.length);
      first.forEach((g, i) => {
        expect(g!.shape).toEqual(c.first[i].shape);
        expectClose(g!.dataSync(), c.first[i].data, `${label}: first gradient ${i}`, ...tolerance);
      });
      const penalty = first.map((g) => g!.pow(2).sum()).reduce((s, t) => s.add(t));
      expect(penalty.item()).toBeCloseTo(c.penalty, 8);
      penalty.backward();
      const leaves = { x, weight: w, bias: b, gy };
      for (const [name, t] of Object.entries(leaves)) {
        const expected = c.second[name as keyof typeof leaves];
        if (t === null || expected === undefined) continue;
        // A leaf the penalty does not reach keeps no gradient; PyTorch's file has zeros for it.
        const actual = t.grad === null ? new Float64Array(t.numel) : t.grad.dataSync();
        expectClose(actual, expected.data, `${label}: second-order gradient on ${name}`, ...tolerance);
      }
    },
  );
});
