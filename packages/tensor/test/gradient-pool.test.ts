import { Function as AutogradFunction, type FunctionContext, grad, setGradientMemory } from '@fovea/autograd';
import { afterEach, describe, expect, it } from 'vitest';
import { clearPool, takePooled } from '../src/array-pool.js';
import { tensorGradientMemory } from '../src/autograd.js';
import {
  avgPool2d,
  conv2d,
  linear,
  manualSeed,
  randn,
  sigmoid,
  sparseSoftmaxCrossEntropy,
  type Tensor,
  tensor,
} from '../src/index.js';
import { BACKENDS, bits, expectSameBits, useBackend } from './wasm/setup.js';

/**
 * The engine gives the arrays of dead intermediate gradients back to the pool that
 * allocateForOverwrite draws from (array-pool.ts). What must hold: the same numbers whether it
 * does or not, and no array given back that anyone can still read (a gradient given to
 * backward, grad's results, a leaf's grad, what a custom Function or a hook was handed).
 */

// Batch 8 at 28 x 28: LeNet's first results (8 x 6 x 28 x 28 floats) are large enough to pool.
const BATCH = 8;
const IMAGE = [BATCH, 1, 28, 28];
const FIRST = BATCH * 6 * 28 * 28;

function lenetParams(): Tensor[] {
  manualSeed(3);
  const shapes = [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [10, 400], [10]];
  return shapes.map((s) => randn(s).mul(0.2).requiresGrad_());
}

/** LeNet's loss (its first sigmoid fused into the convolution, the second one an op of its own). */
function lenetLoss(p: Tensor[], x: Tensor, y: Tensor): Tensor {
  const h1 = avgPool2d(conv2d(x, p[0], p[1], { padding: 2, activation: 'sigmoid' }), 2);
  const h2 = avgPool2d(sigmoid(conv2d(h1, p[2], p[3])), 2);
  return sparseSoftmaxCrossEntropy(linear(h2.reshape([BATCH, 400]), p[4], p[5]), y);
}

/** Three steps of SGD; every gradient of every step, as bits. */
function train(): Uint32Array[] {
  const p = lenetParams();
  const y = tensor(
    Array.from({ length: BATCH }, (_, i) => i % 10),
    { dtype: 'int32' },
  );
  const out: Uint32Array[] = [];
  for (let step = 0; step < 3; step++) {
    manualSeed(10 + step);
    lenetLoss(p, randn(IMAGE), y).backward();
    for (const w of p) {
      out.push(bits(w.grad!.storage.host as Float32Array));
      w.data.sub_(w.grad!.mul(0.5));
      w.grad = null;
    }
  }
  return out;
}

/** A check that `t`'s array still holds what it holds now, bit for bit. */
function unchanged(t: Tensor, label: string): () => void {
  const array = t.storage.host as Float32Array;
  const before = Float32Array.from(array);
  return () => expectSameBits(bits(array), bits(before), label);
}

afterEach(() => {
  setGradientMemory(tensorGradientMemory);
  clearPool();
});

describe.each(BACKENDS)('gradients given back to the pool, %s backend', (backend) => {
  useBackend(backend);

  it('trains to the same bits as without giving any back, and gives back', () => {
    clearPool();
    const given = train();
    // Dead gradients went to the pool: one of the first convolution's size waits there.
    expect(takePooled(FIRST)).toBeDefined();
    setGradientMemory(null);
    clearPool();
    const kept = train();
    expect(takePooled(FIRST)).toBeUndefined();
    given.forEach((g, i) => expectSameBits(g, kept[i], `gradient ${i}`));
  });

  /** Fills the pool's arrays of `FIRST` elements with other values, as later ops would. */
  function reuseFreedArrays(): void {
    for (let i = 0; i < 6; i++) sigmoid(randn([FIRST]));
  }

  it('never gives back a gradient passed to backward, even one passed on as it is', () => {
    const x = randn(IMAGE).requiresGrad_();
    const w = randn([6, 1, 5, 5]).requiresGrad_();
    const seed = sigmoid(randn([BATCH, 6, 28, 28])); // an array allocateForOverwrite gave out
    const seedKept = unchanged(seed, 'seed');
    // clone's backward hands the seed on as it is, to the convolution's node.
    conv2d(x, w, null, { padding: 2 }).clone().backward(seed);
    reuseFreedArrays();
    seedKept();
  });

  it("never gives back grad's results or a leaf's grad", () => {
    const x = randn(IMAGE).requiresGrad_();
    const w = randn([6, 1, 5, 5]).requiresGrad_();
    const h = conv2d(x, w, null, { padding: 2 });
    const loss = avgPool2d(sigmoid(h), 2).sum();
    const [gh, gx] = grad(loss, [h, x], { retainGraph: true });
    const checks = [unchanged(gh!, 'grad of h'), unchanged(gx!, 'grad of x')];
    loss.backward();
    checks.push(unchanged(x.grad!, 'x.grad'));
    reuseFreedArrays();
    for (const check of checks) check();
  });

  it('never gives back what a custom Function was handed or returned', () => {
    const handed: Tensor[] = [];
    class Keep extends AutogradFunction {
      static override forward(_ctx: FunctionContext, a: Tensor): Tensor {
        return a.clone();
      }
      static override backward(_ctx: FunctionContext, g: Tensor): Tensor[] {
        handed.push(g);
        return [g];
      }
    }
    const x = randn([BATCH, 6, 28, 28]).requiresGrad_();
    avgPool2d(Keep.apply(sigmoid(x)) as Tensor, 2)
      .sum()
      .backward();
    const handedKept = unchanged(handed[0], 'handed gradient');
    reuseFreedArrays();
    handedKept();
  });
});
