import { gradgradcheck } from '@fovea/autograd';
import { describe, expect, it } from 'vitest';
import {
  type Conv2dOptions,
  conv2d,
  Generator,
  noGrad,
  randn,
  sigmoid,
  type Tensor,
  traceKernels,
  withShapesOnly,
} from '../../src/index.js';
import { setNumThreads } from '../../src/kernels/backend.js';
import { BACKENDS, expectSameBits, useBackend } from './setup.js';

/**
 * conv2d's `activation: 'sigmoid'` against sigmoid(conv2d(...)), the two ops it stands for: the
 * same bits forward and backward on each backend, every conv algorithm and 1 or 2 threads, the
 * same graph, and the errors of a bad value. On 'wasm' the sigmoid runs in the conv's own call.
 */

interface Case {
  readonly name: string;
  readonly x: number[];
  readonly w: number[];
  readonly options: Conv2dOptions;
}

// LeNet's two convolutions (implicit GEMM), few output channels (direct loops), a 3 x 3 layer
// wide enough for Winograd, and strided, grouped and dilated geometry.
const CASES: readonly Case[] = [
  { name: 'LeNet conv1', x: [3, 1, 28, 28], w: [6, 1, 5, 5], options: { padding: 2 } },
  { name: 'LeNet conv2', x: [3, 6, 14, 14], w: [16, 6, 5, 5], options: {} },
  { name: 'direct', x: [2, 3, 9, 9], w: [2, 3, 3, 3], options: { padding: 1 } },
  { name: 'winograd', x: [2, 16, 12, 12], w: [16, 16, 3, 3], options: { padding: 1 } },
  {
    name: 'strided, grouped, dilated',
    x: [2, 4, 11, 10],
    w: [6, 2, 3, 2],
    options: { stride: 2, groups: 2, dilation: [1, 2], padding: 1 },
  },
];

function operands(c: Case, dtype: 'float32' | 'float64', seed: number): [Tensor, Tensor, Tensor] {
  const generator = new Generator(seed);
  const x = randn(c.x, { dtype, generator }).mul(2).detach().requiresGrad_();
  const w = randn(c.w, { dtype, generator }).mul(0.3).detach().requiresGrad_();
  const b = randn([c.w[0]], { dtype, generator }).requiresGrad_();
  return [x, w, b];
}

/** The output and the gradients of x, w and b for the gradient `g` of the output. */
function run(f: () => Tensor, g: Tensor, inputs: Tensor[]): Tensor[] {
  for (const t of inputs) t.grad = null;
  const y = f();
  y.backward(g);
  return [y, ...inputs.map((t) => t.grad!)];
}

for (const backend of BACKENDS) {
  describe(`conv2d with activation 'sigmoid' on ${backend}`, () => {
    useBackend(backend);

    for (const threads of backend === 'wasm' ? [1, 2] : [1]) {
      it(`equals sigmoid(conv2d) bit for bit, forward and backward (${threads} thread(s))`, () => {
        setNumThreads(threads);
        try {
          CASES.forEach((c, i) => {
            for (const dtype of ['float32', 'float64'] as const) {
              const inputs = operands(c, dtype, 10 + i);
              const [x, w, b] = inputs;
              const shape = conv2d(x, w, b, c.options).shape;
              const g = randn(shape, { dtype, generator: new Generator(50 + i) });
              const want = run(() => sigmoid(conv2d(x, w, b, c.options)), g, inputs);
              const got = run(() => conv2d(x, w, b, { ...c.options, activation: 'sigmoid' }), g, inputs);
              ['y', 'x.grad', 'w.grad', 'b.grad'].forEach((what, k) => {
                expectSameBits(got[k].dataSync(), want[k].dataSync(), `${c.name} ${dtype}: ${what}`);
              });
            }
          });
        } finally {
          setNumThreads(1);
        }
      });
    }

    it('records the graph of the two ops, and one kernel call', () => {
      const [x, w, b] = operands(CASES[0], 'float32', 3);
      const { result: y, kernels } = traceKernels(() =>
        conv2d(x, w, b, { padding: 2, activation: 'sigmoid' }),
      );
      expect(kernels.map((k) => k.kernel)).toEqual(['conv2dForward']);
      expect(y.gradFn?.name).toBe('SigmoidBackward0');
      const conv = y.gradFn!.next[0]!;
      expect(conv.name).toBe('ConvolutionBackward0');
      const plain = conv2d(x, w, b, { padding: 2 }).gradFn!;
      expect(conv.attributes).toEqual(plain.attributes);
      expect(conv.next).toEqual(plain.next);
    });

    it('differentiates twice as the two ops do (gradgradcheck)', () => {
      const generator = new Generator(7);
      const x = randn([2, 2, 5, 5], { dtype: 'float64', generator }).requiresGrad_();
      const w = randn([3, 2, 3, 3], { dtype: 'float64', generator }).requiresGrad_();
      const b = randn([3], { dtype: 'float64', generator }).requiresGrad_();
      const f = (xi: Tensor, wi: Tensor, bi: Tensor) =>
        conv2d(xi, wi, bi, { padding: 1, activation: 'sigmoid' });
      expect(gradgradcheck(f, [x, w, b])).toBe(true);
    });

    it('takes unbatched input, no grad and shapes-only tracing', () => {
      const [x, w, b] = operands(CASES[0], 'float32', 4);
      const x3 = x.detach().select(0, 1);
      const want = sigmoid(conv2d(x3, w, b, { padding: 2 }));
      const got = conv2d(x3, w, b, { padding: 2, activation: 'sigmoid' });
      expect(got.shape).toEqual([6, 28, 28]);
      expectSameBits(got.dataSync(), want.dataSync(), 'unbatched');
      const free = noGrad(() => conv2d(x, w, b, { padding: 2, activation: 'sigmoid' }));
      expect(free.gradFn).toBeNull();
      expectSameBits(free.dataSync(), sigmoid(conv2d(x, w, b, { padding: 2 })).dataSync(), 'no grad');
      const traced = withShapesOnly(() => conv2d(x, w, b, { padding: 2, activation: 'sigmoid' }).shape);
      expect(traced).toEqual([3, 6, 28, 28]);
    });
  });
}

it('refuses an activation it does not apply, naming conv2d and the value', () => {
  const x = randn([1, 1, 4, 4]);
  const w = randn([1, 1, 3, 3]);
  for (const activation of ['relu', 'Sigmoid', 1]) {
    expect(() => conv2d(x, w, null, { activation } as unknown as Conv2dOptions)).toThrow(
      /conv2d: activation must be 'sigmoid' or null, got/,
    );
  }
  expect(conv2d(x, w, null, { activation: null }).shape).toEqual([1, 1, 2, 2]);
});
