import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as ops from '../../src/index.js';
import { randn, type Tensor, tensor } from '../../src/index.js';

/**
 * A training loop keeps the last step's loss until the next step replaces it, and with it the
 * loss's graph. After backward, that graph must hold none of the forward's tensors: an op whose
 * backward saved values drops them (as PyTorch frees saved tensors), and a backward that saved
 * nothing, kept so it can run again, must not have captured any. Otherwise every activation
 * lives on into the next step, survives the young generation's collections and is collected
 * only by full ones (LeNet's 2-thread epoch: one mark-compact a step instead of one in twenty,
 * 29 ms a step instead of 24).
 */

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Lets the job end (a WeakRef keeps its target until then) and collects twice. */
async function collectGarbage(): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    collect();
  }
}

type Case = [name: string, shape: number[], op: (x: Tensor) => Tensor];

const CASES: Case[] = [
  ['add', [4, 6], (x) => ops.add(x, tensor([1, 2, 3, 4, 5, 6]))],
  ['sub', [4, 6], (x) => ops.sub(x, 1)],
  ['mul', [4, 6], (x) => ops.mul(x, 2)],
  ['div', [4, 6], (x) => ops.div(x, 3)],
  ['neg', [4, 6], (x) => ops.neg(x)],
  ['exp', [4, 6], (x) => ops.exp(x)],
  ['log', [4, 6], (x) => ops.log(ops.abs(x).add(1))],
  ['sqrt', [4, 6], (x) => ops.sqrt(ops.abs(x))],
  ['square', [4, 6], (x) => ops.square(x)],
  ['pow', [4, 6], (x) => ops.pow(x, 3)],
  ['sign', [4, 6], (x) => ops.sign(x)],
  ['maximum', [4, 6], (x) => ops.maximum(x, 0)],
  ['minimum', [4, 6], (x) => ops.minimum(x, 0)],
  ['relu', [4, 6], (x) => ops.relu(x)],
  ['sigmoid', [4, 6], (x) => ops.sigmoid(x)],
  ['tanh', [4, 6], (x) => ops.tanh(x)],
  ['clamp', [4, 6], (x) => ops.clamp(x, -0.5, 0.5)],
  ['where', [4, 6], (x) => ops.where(ops.gt(x, 0), x, 0)],
  ['cast', [4, 6], (x) => ops.cast(x, 'float64')],
  ['clone', [4, 6], (x) => ops.clone(x)],
  ['contiguous', [4, 6], (x) => ops.contiguous(x.t())],
  ['sum', [4, 6], (x) => ops.sum(x, 1)],
  ['mean', [4, 6], (x) => ops.mean(x, 0)],
  ['max', [4, 6], (x) => ops.max(x)],
  ['max dim', [4, 6], (x) => ops.max(x, 1).values],
  ['variance', [4, 6], (x) => ops.variance(x, 1)],
  ['matmul', [4, 6], (x) => ops.matmul(x, randn([6, 3]))],
  ['linear', [4, 6], (x) => ops.linear(x, randn([3, 6]), randn([3]))],
  ['conv2d', [1, 2, 6, 6], (x) => ops.conv2d(x, randn([3, 2, 3, 3]), randn([3]), { padding: 1 })],
  ['corr2d', [6, 6], (x) => ops.corr2d(x, randn([2, 2]))],
  ['avgPool2d', [1, 2, 6, 6], (x) => ops.avgPool2d(x, 2)],
  ['maxPool2d', [1, 2, 6, 6], (x) => ops.maxPool2d(x, 2)],
  ['adaptiveAvgPool2d', [1, 2, 6, 6], (x) => ops.adaptiveAvgPool2d(x, 1)],
  [
    'maxUnpool2d',
    [1, 2, 6, 6],
    (x) => {
      const [values, indices] = ops.maxPool2d(x, 2, { returnIndices: true }) as [Tensor, Tensor];
      return ops.maxUnpool2d(values, indices, 2);
    },
  ],
  ['pad', [1, 2, 4, 4], (x) => ops.pad(x, [1, 1, 1, 1], 'reflect')],
  ['unfold', [1, 2, 4, 4], (x) => ops.unfold(x, 2)],
  ['cat', [4, 6], (x) => ops.cat([x, x], 0)],
  ['stack', [4, 6], (x) => ops.stack([x, x], 0)],
  [
    'cross entropy',
    [4, 6],
    (x) => ops.sparseSoftmaxCrossEntropy(x, tensor([0, 1, 2, 3], { dtype: 'int32' })),
  ],
  ['view', [4, 6], (x) => ops.view(x, [24])],
  ['reshape', [4, 6], (x) => ops.reshape(x.t(), [24])],
  ['flatten', [2, 2, 6], (x) => ops.flatten(x)],
  ['permute', [2, 2, 6], (x) => ops.permute(x, [2, 0, 1])],
  ['transpose', [4, 6], (x) => ops.transpose(x, 0, 1)],
  ['squeeze', [4, 1, 6], (x) => ops.squeeze(x, 1)],
  ['unsqueeze', [4, 6], (x) => ops.unsqueeze(x, 0)],
  ['expand', [4, 1], (x) => ops.expand(x, [4, 5])],
  ['flip', [4, 6], (x) => ops.flip(x, 0)],
  ['slice', [4, 6], (x) => ops.slice(x, '1:3', '::2')],
  ['narrow', [4, 6], (x) => ops.narrow(x, 1, 1, 3)],
  ['select', [4, 6], (x) => ops.select(x, 0, 2)],
];

describe('a graph kept after backward', () => {
  it.each(CASES)('holds none of its forward tensors: %s', async (_name, shape, op) => {
    const leaf = randn(shape, { requiresGrad: true });
    let activation: Tensor | null = leaf.mul(1);
    let result: Tensor | null = op(activation);
    const refs = [new WeakRef(activation), new WeakRef(result)];
    const loss = ops.sum(ops.cast(result, 'float32'));
    loss.backward();
    activation = null;
    result = null;
    await collectGarbage();
    expect(refs.map((ref) => (ref.deref() === undefined ? 'collected' : 'alive'))).toEqual([
      'collected',
      'collected',
    ]);
    expect(loss.gradFn).not.toBeNull();
  });
});
