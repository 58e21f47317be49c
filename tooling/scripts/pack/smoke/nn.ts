// @fovea/nn with @fovea/tensor: the chapter's "Learning a Kernel" loop, with LazyConv2d.
import { LazyConv2d } from '@fovea/nn';
import { corr2d, manualSeed, ones, type Tensor, tensor } from '@fovea/tensor';

manualSeed(0);
const X: Tensor = ones([6, 8]);
X.slice(':', '2:6').fill_(0);
const K: Tensor = tensor([[1, -1]]);
const Y: Tensor = corr2d(X, K);

// A convolutional layer with 1 output channel and a kernel of shape (1, 2), without bias.
const conv2d = new LazyConv2d(1, [1, 2], { bias: false });
const x = X.reshape([1, 1, 6, 8]);
const y = Y.reshape([1, 1, 6, 7]);
const lr = 3e-2;
const losses: number[] = [];
for (let i = 0; i < 10; i++) {
  const yHat: Tensor = conv2d.forward(x);
  const l = yHat.sub(y).pow(2);
  conv2d.zeroGrad();
  l.sum().backward();
  const grad = conv2d.weight.grad;
  if (grad === null) throw new Error('LazyConv2d: weight.grad is null after backward()');
  conv2d.weight.data.sub_(grad.mul(lr));
  losses.push(Number(l.sum().item()));
  if ((i + 1) % 2 === 0) console.log(`epoch ${i + 1}, loss ${losses[i]?.toFixed(3)}`);
}

const learned = conv2d.weight.data.reshape([1, 2]).toArray() as number[][];
const [w0, w1] = learned[0] ?? [];
if (losses.some((loss, i) => i > 0 && loss >= (losses[i - 1] ?? Number.POSITIVE_INFINITY))) {
  throw new Error(`the loss must decrease at every step: ${losses.join(', ')}`);
}
if (w0 === undefined || w1 === undefined || Math.abs(w0 - 1) > 0.2 || Math.abs(w1 + 1) > 0.2) {
  throw new Error(`the learned kernel should be close to [1, -1], got ${JSON.stringify(learned)}`);
}
console.log(`learned kernel close to [1, -1]: ${Math.abs(w0 - 1) < 0.2 && Math.abs(w1 + 1) < 0.2}`);
