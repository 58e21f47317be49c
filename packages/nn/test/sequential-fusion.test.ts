import {
  Generator,
  getBackend,
  randn,
  setBackend,
  setNumThreads,
  type Tensor,
  traceKernels,
} from '@fovea/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AvgPool2d,
  Conv2d,
  Flatten,
  LazyConv2d,
  Linear,
  type Module,
  Sequential,
  Sigmoid,
} from '../src/index.js';

/**
 * `Sequential` runs a Conv2d and the Sigmoid after it as one `conv2d` call (its `activation`):
 * the same bits and gradients as running the modules one by one, on each backend; and the
 * modules as written whenever one of them has hooks or a `forward` of its own.
 */

const before = getBackend();
afterAll(() => {
  setBackend(before);
  setNumThreads(1);
});

/** d2l's LeNet at a small batch. */
function lenet(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Conv2d(6, 16, 5),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Flatten(),
    new Linear(400, 10),
  );
}

/** The modules of `net` applied one by one, as written. */
function oneByOne(net: Sequential, x: Tensor): Tensor {
  let y = x;
  for (const module of net) y = module.forward(y) as Tensor;
  return y;
}

/** The output and every parameter's gradient of `f` for the gradient `g` of the output. */
function outputAndGradients(net: Sequential, f: () => Tensor, g: Tensor): Float32Array[] {
  net.zeroGrad();
  const y = f();
  y.backward(g);
  return [
    y.dataSync() as Float32Array,
    ...[...net.parameters()].map((p) => p.grad!.dataSync() as Float32Array),
  ];
}

function expectSameBits(a: Float32Array, b: Float32Array, label: string): void {
  expect(a.length, label).toBe(b.length);
  const differ = a.findIndex((v, i) => !Object.is(v, b[i]));
  expect(differ, `${label}: first element that differs`).toBe(-1);
}

const sigmoidRuns = (kernels: readonly { kernel: string }[]) =>
  kernels.filter((k) => k.kernel === 'sigmoidForward').length;

for (const backend of ['wasm', 'js'] as const) {
  for (const threads of backend === 'wasm' ? [1, 2] : [1]) {
    describe(`Sequential with a Conv2d then a Sigmoid, ${backend}, ${threads} thread(s)`, () => {
      it('gives the bits and gradients of the modules run one by one, with one kernel call per pair', () => {
        setBackend(backend);
        setNumThreads(threads);
        const net = lenet();
        const x = randn([4, 1, 28, 28], { generator: new Generator(1) });
        const g = randn([4, 10], { generator: new Generator(2) });
        const want = outputAndGradients(net, () => oneByOne(net, x), g);
        const got = outputAndGradients(net, () => net.forward(x), g);
        want.forEach((w, i) => expectSameBits(got[i], w, i === 0 ? 'output' : `gradient ${i - 1}`));
        expect(sigmoidRuns(traceKernels(() => oneByOne(net, x)).kernels)).toBe(2);
        expect(sigmoidRuns(traceKernels(() => net.forward(x)).kernels)).toBe(0);
      });
    });
  }
}

describe('Sequential runs the modules as written', () => {
  const x = randn([2, 1, 28, 28], { generator: new Generator(3) });

  it('when the Conv2d or the Sigmoid has a forward hook, which sees its own output', () => {
    setBackend('wasm');
    for (const hooked of [0, 1]) {
      const net = lenet();
      const seen: number[][] = [];
      const handle = (net[hooked] as Module).registerForwardHook((_m, _inputs, output) => {
        seen.push([...(output as Tensor).dataSync().slice(0, 3)]);
      });
      const y = net.forward(x);
      const z = (net[0] as Conv2d).forward(x);
      const expected = hooked === 0 ? z : z.sigmoid();
      expect(seen[0]).toEqual([...expected.dataSync().slice(0, 3)]);
      handle.remove();
      expectSameBits(y.dataSync() as Float32Array, net.forward(x).dataSync() as Float32Array, 'hooked');
    }
  });

  it("when the Sigmoid is a subclass with a forward of its own, and a LazyConv2d's first forward", () => {
    setBackend('wasm');
    class Doubled extends Sigmoid {
      override forward(input: Tensor): Tensor {
        return super.forward(input).mul(2);
      }
    }
    const conv = new Conv2d(1, 2, 3);
    const net = new Sequential(conv, new Doubled());
    const want = conv.forward(x).sigmoid().mul(2);
    expectSameBits(net.forward(x).dataSync() as Float32Array, want.dataSync() as Float32Array, 'subclass');
    const lazy = new Sequential(new LazyConv2d(4, 3), new Sigmoid());
    expect(lazy.forward(x).shape).toEqual([2, 4, 26, 26]);
    expect((lazy[0] as Conv2d).inChannels).toBe(1);
    const second = traceKernels(() => lazy.forward(x)).kernels;
    expect(sigmoidRuns(second)).toBe(0);
  });
});
