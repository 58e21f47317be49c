import { noGrad } from '@fovea/autograd';
import { corr2d, manualSeed, ones, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { Conv2D, Conv2d, LazyConv2d } from '../src/index.js';
import { expectClose, loadGolden } from './helpers/golden.js';

interface LearnKernelRun {
  w0: [number, number];
  lr: number;
  losses: number[];
  final_weight: [number, number];
}

const { runs } = loadGolden<{ runs: LearnKernelRun[] }>('learn_kernel.json');

/** The chapter's 6 x 8 image: ones with a black band in columns 2 to 5. */
function chapterImage() {
  const img = ones([6, 8]);
  img.slice(':', '2:6').fill_(0);
  return img;
}

describe('the chapter: learning a kernel', () => {
  const img = chapterImage();
  const Y = corr2d(img, tensor([[1, -1]]));

  for (const run of runs) {
    it(`LazyConv2d(1, [1, 2], {bias: false}) from [${run.w0}] reproduces every loss and the final kernel`, () => {
      const conv2d = new LazyConv2d(1, [1, 2], { bias: false });
      const X4 = img.reshape([1, 1, 6, 8]);
      const Y4 = Y.reshape([1, 1, 6, 7]);
      conv2d.forward(X4); // infers in_channels = 1
      noGrad(() => conv2d.weight.copy_(tensor(run.w0).reshape([1, 1, 1, 2])));
      const losses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const l = conv2d.forward(X4).sub(Y4).pow(2);
        conv2d.zeroGrad();
        l.sum().backward();
        conv2d.weight.data.sub_(conv2d.weight.grad!.mul(run.lr));
        losses.push(l.sum().item() as number);
      }
      expectClose(losses, run.losses, 'losses');
      expectClose(conv2d.weight.data.reshape([1, 2]), run.final_weight, 'final kernel');
      expect(conv2d).toBeInstanceOf(Conv2d);
    });

    it(`the chapter's Conv2D on the 2-D image from [${run.w0}] learns the same kernel`, () => {
      const layer = new Conv2D([1, 2]);
      noGrad(() => layer.weight.copy_(tensor([run.w0])));
      // Conv2D has a bias; held at zero it is the chapter's bias-free loop.
      const losses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const l = layer.forward(img).sub(Y).pow(2);
        layer.zeroGrad();
        l.sum().backward();
        layer.weight.data.sub_(layer.weight.grad!.mul(run.lr));
        losses.push(l.sum().item() as number);
      }
      expectClose(losses, run.losses, 'losses');
      expectClose(layer.weight.data, run.final_weight, 'final kernel');
    });
  }

  it('prints every second epoch as the chapter does and ends close to [1, -1]', () => {
    manualSeed(0);
    const conv2d = new LazyConv2d(1, [1, 2], { bias: false });
    const X4 = img.reshape([1, 1, 6, 8]);
    const Y4 = Y.reshape([1, 1, 6, 7]);
    const lines: string[] = [];
    for (let i = 0; i < 10; i++) {
      const l = conv2d.forward(X4).sub(Y4).pow(2);
      conv2d.zeroGrad();
      l.sum().backward();
      conv2d.weight.data.sub_(conv2d.weight.grad!.mul(3e-2));
      if ((i + 1) % 2 === 0) lines.push(`epoch ${i + 1}, loss ${(l.sum().item() as number).toFixed(3)}`);
    }
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/^epoch 10, loss \d+\.\d{3}$/);
    const [a, b] = conv2d.weight.data.reshape([2]).dataSync();
    expect(Math.abs(a - 1)).toBeLessThan(0.2);
    expect(Math.abs(b + 1)).toBeLessThan(0.2);
  });

  it("trains the chapter's Conv2D's bias too (autograd reaches both parameters)", () => {
    const layer = new Conv2D([1, 2]);
    const l = layer.forward(img).sub(Y).pow(2).sum();
    l.backward();
    expect(layer.weight.grad).not.toBeNull();
    expect(layer.bias.grad).not.toBeNull();
    expect([...layer.weight.shape]).toEqual([1, 2]);
    expect(layer.bias.toArray()).toEqual([0]);
    expect(layer.namedParameters().map(([name]) => name)).toEqual(['weight', 'bias']);
    expect(String(layer)).toBe('Conv2D()');
  });
});
