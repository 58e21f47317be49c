import { Conv2D } from '@fovea/nn';
import { corr2d, manualSeed, ones, tensor } from '@fovea/tensor';
import { edgeImage, edgeKernel } from '../lib/chapter-data.js';
import { check, checkClose, thrown } from '../lib/check.js';
import { code, show } from '../lib/print.js';
import { type Exercise, say } from './exercise.js';

/**
 * The largest eigenvalue of the Hessian of L(w1, w2, b) = sum (w1 x + w2 x_right + b - y)^2 on
 * the chapter's image: 2 A^T A, by power iteration on the 3 x 3 Gram matrix.
 */
function largestCurvature(withBias: boolean): number {
  const X = edgeImage();
  const features = [corr2d(X, tensor([[1, 0]])), corr2d(X, tensor([[0, 1]]))];
  if (withBias) features.push(ones([6, 7]));
  const gram = features.map((f) => features.map((g) => f.mul(g).sum().item() as number));
  let v = features.map(() => 1);
  let lambda = 0;
  for (let step = 0; step < 100; step++) {
    const w = gram.map((row) => row.reduce((acc, g, k) => acc + g * v[k], 0));
    lambda = Math.hypot(...w);
    v = w.map((x) => x / lambda);
  }
  return 2 * lambda;
}

/** The chapter's loop on a fresh from-scratch layer, kernel and bias; the loss before each step. */
function train(seed: number, lr: number, epochs = 10): number[] {
  manualSeed(seed);
  const layer = new Conv2D([1, 2]);
  const X = edgeImage();
  const Y = corr2d(X, edgeKernel());
  const losses: number[] = [];
  for (let i = 0; i < epochs; i++) {
    const l = layer.forward(X).sub(Y).pow(2).sum();
    layer.zeroGrad();
    l.backward();
    for (const p of layer.parameters()) p.data.sub_(p.grad!.mul(lr));
    losses.push(l.item() as number);
  }
  return losses;
}

/** Exercise 3: automatic gradients of the from-scratch Conv2D. */
export const autogradConv2D: Exercise = {
  name: 'autograd',
  title: 'Automatic gradients of the from-scratch Conv2D',
  run(seed) {
    say(
      'There is no error: corr2d is a differentiable op (its backward is written next to its forward),',
      'so autograd differentiates Conv2D like any layer. For L = sum (corr2d(X, W) + b - Y)^2 with',
      'G = dL/dYhat = 2 (Yhat - Y): dL/dW = corr2d(X, G) (the input cross-correlated with the upstream',
      'gradient) and dL/db = sum G.',
    );
    manualSeed(seed);
    const layer = new Conv2D([1, 2]);
    const X = edgeImage();
    const Y = corr2d(X, edgeKernel());
    code(
      `manualSeed(${seed}); layer = new Conv2D([1, 2]); l = layer.forward(X).sub(Y).pow(2).sum(); l.backward()`,
    );
    const Yhat = layer.forward(X);
    Yhat.sub(Y).pow(2).sum().backward();
    code('layer.weight.grad');
    show(layer.weight.grad);
    const G = Yhat.detach().sub(Y).mul(2);
    code('corr2d(X, 2 * (Yhat - Y))  // by hand');
    const manualWeightGrad = corr2d(X, G);
    show(manualWeightGrad);
    checkClose('autograd dL/dW equals corr2d(X, G)', layer.weight.grad!, manualWeightGrad, 1e-5, 1e-5);
    code('layer.bias.grad, G.sum()');
    show(layer.bias.grad);
    checkClose('autograd dL/db equals sum G', layer.bias.grad!, G.sum().reshape([1]), 1e-5, 1e-5);

    const curvature = largestCurvature(true);
    const bound = 2 / curvature;
    const withoutBias = largestCurvature(false);
    say(
      "So the chapter's loop trains the from-scratch layer too, but not at lr 0.03: the bias adds",
      `curvature. The loss is quadratic in (w1, w2, b) with Hessian 2 A^T A (A: one row [x, x_right, 1]`,
      `per output), whose largest eigenvalue is ${curvature.toFixed(1)}; gradient descent diverges once`,
      `lr > 2 / ${curvature.toFixed(1)} = ${bound.toFixed(4)}. Without the bias (the chapter's LazyConv2d) it is`,
      `${withoutBias.toFixed(1)}, and lr 0.03 < 2 / ${withoutBias.toFixed(1)} = ${(2 / withoutBias).toFixed(4)} converges.`,
    );
    check(
      `lr 0.03 > ${bound.toFixed(4)} > lr 0.01, and 0.03 < ${(2 / withoutBias).toFixed(4)}`,
      3e-2 > bound && bound > 1e-2 && 3e-2 < 2 / withoutBias,
    );
    const fast = train(seed, 3e-2);
    say(`lr 0.03: losses ${fast.map((l) => l.toFixed(1)).join(', ')}`);
    check('at lr 0.03 the loss grows', fast[fast.length - 1] > fast[0]);
    const slow = train(seed, 1e-2);
    say(`lr 0.01: losses ${slow.map((l) => l.toFixed(3)).join(', ')}`);
    check(
      'at lr 0.01 the loss decreases at every step',
      slow.every((l, i) => i === 0 || l < slow[i - 1]),
    );

    say('What the layer cannot take is a batch: it is written for one 2-D image, not [N, C, H, W].');
    const error = thrown('layer.forward(X.reshape([1, 1, 6, 8])) throws', () =>
      layer.forward(X.reshape([1, 1, 6, 8])),
    );
    show(error.message);
  },
};
