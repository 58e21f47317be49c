import { seededUniform } from '@fovea/golden';
import { describe, expect, it } from 'vitest';
import { conv2d, maxPool2d, type Tensor, tensor } from '../../src/index.js';
import {
  activationBackward,
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  type GpuArray,
  gemm,
  linear,
  logSoftmax,
  logSoftmaxBackward,
  maxPool2dBackward,
  maxPool2dForward,
  nllLoss,
  nllLossBackward,
  reduceDims,
  sgdStep,
  unary,
  type WebGpu,
} from '../../src/webgpu/index.js';
import { testGpu } from './gpu.js';

/**
 * A small LeNet (conv 5x5 -> ReLU -> max-pool -> conv 3x3 -> ReLU -> max-pool -> linear ->
 * cross-entropy) trained for four SGD steps with momentum, once with the WGSL kernels chained by
 * hand (forward, backward, update all on the GPU) and once with @fovea/tensor's ops and autograd
 * on the CPU: the losses agree at every step, |a - b| <= 1e-5 + 1e-4 |b|: the kernels compose
 * into training by themselves. The same through @fovea/nn and @fovea/optim with
 * `setBackend('webgpu')` is packages/optim/test/webgpu/lenet.test.ts.
 */

const gpu = await testGpu();
const N = 4;
const SHAPES = { w1: [4, 1, 5, 5], b1: [4], w2: [6, 4, 3, 3], b2: [6], w3: [10, 24], b3: [10] } as const;
type Name = keyof typeof SHAPES;
const NAMES = Object.keys(SHAPES) as Name[];
const LR = 0.05;
const MOMENTUM = 0.9;
const STEPS = 4;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const contiguous = (shape: readonly number[]) => shape.map((_, d) => size(shape.slice(d + 1)));

const x0 = seededUniform(900, N * 12 * 12);
const labels = Int32Array.from([3, 7, 0, 9]);
const initial = Object.fromEntries(
  NAMES.map((name, k) => [name, seededUniform(910 + k, size(SHAPES[name])).map((v) => v * 0.4)]),
) as Record<Name, Float32Array>;

const pad2 = { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1], groups: 1 } as const;
const valid = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } as const;
const pool = { kernel: 2, stride: 2, padding: 0, dilation: 1, ceilMode: false };

/** One step on the GPU: returns the loss before the update. */
async function gpuStep(
  g: WebGpu,
  p: Record<Name, GpuArray>,
  buffers: Record<Name, GpuArray>,
  first: boolean,
) {
  const x = g.upload(x0);
  const t = g.upload(labels);
  const c1 = conv2dForward(x, [N, 1, 12, 12], p.w1, SHAPES.w1, p.b1, pad2);
  const r1 = unary('relu', c1.out, c1.outShape, contiguous(c1.outShape), 0);
  const m1 = maxPool2dForward(r1, c1.outShape, pool);
  const c2 = conv2dForward(m1.out, m1.outShape, p.w2, SHAPES.w2, p.b2, valid);
  const r2 = unary('relu', c2.out, c2.outShape, contiguous(c2.outShape), 0);
  const m2 = maxPool2dForward(r2, c2.outShape, pool);
  const z = linear(m2.out, [N, 24], p.w3, SHAPES.w3, p.b3);
  const logp = logSoftmax(z.out, [N, 10], 1);
  const loss = (await nllLoss(logp, [N, 10], t).read())[0];

  const gz = logSoftmaxBackward(nllLossBackward(g.upload(Float32Array.of(1)), [N, 10], t), logp, [N, 10], 1);
  const grads = {} as Record<Name, GpuArray>;
  grads.w3 = g.zeros(240);
  gemm(true, false, 10, 24, N, 1, gz, 0, 10, m2.out, 0, 24, 0, grads.w3, 0, 24);
  grads.b3 = reduceDims('sum', gz, [N, 10], [0]).out;
  const gh = g.zeros(N * 24);
  gemm(false, false, N, 24, 10, 1, gz, 0, 10, p.w3, 0, 24, 0, gh, 0, 24);
  const gc2 = activationBackward(
    'relu',
    maxPool2dBackward(gh, m2.outShape, m2.indices, c2.outShape),
    c2.out,
    c2.outShape,
  );
  grads.w2 = conv2dBackwardWeight(m1.out, m1.outShape, gc2, c2.outShape, SHAPES.w2, valid);
  grads.b2 = conv2dBackwardBias(gc2, c2.outShape);
  const gm1 = conv2dBackwardInput(gc2, c2.outShape, p.w2, SHAPES.w2, m1.outShape, valid);
  const gc1 = activationBackward(
    'relu',
    maxPool2dBackward(gm1, m1.outShape, m1.indices, c1.outShape),
    c1.out,
    c1.outShape,
  );
  grads.w1 = conv2dBackwardWeight(x, [N, 1, 12, 12], gc1, c1.outShape, SHAPES.w1, pad2);
  grads.b1 = conv2dBackwardBias(gc1, c1.outShape);
  for (const name of NAMES)
    sgdStep(p[name], grads[name], buffers[name], { lr: LR, momentum: MOMENTUM }, first);
  return loss;
}

/** The same step with @fovea/tensor's ops and autograd; updates `p` and `buffers` in place. */
function cpuStep(p: Record<Name, Float32Array>, buffers: Record<Name, Float32Array>, first: boolean) {
  const leaf = (name: Name) =>
    tensor(p[name])
      .reshape([...SHAPES[name]])
      .detach()
      .requiresGrad_();
  const t = Object.fromEntries(NAMES.map((name) => [name, leaf(name)])) as Record<Name, Tensor>;
  const x = tensor(x0).reshape([N, 1, 12, 12]);
  const h1 = maxPool2d(conv2d(x, t.w1, t.b1, { padding: 2 }).relu(), 2);
  const h2 = maxPool2d(conv2d(h1, t.w2, t.b2).relu(), 2).reshape([N, 24]);
  const z = h2.matmul(t.w3.t()).add(t.b3);
  const logp = z.sub(z.exp().sum(1, true).log());
  const oneHot = new Float32Array(N * 10);
  labels.forEach((c, n) => {
    oneHot[n * 10 + c] = 1;
  });
  const loss = logp
    .mul(tensor(oneHot).reshape([N, 10]))
    .sum()
    .neg()
    .div(N);
  loss.backward();
  for (const name of NAMES) {
    const grad = t[name].grad!.dataSync();
    const buf = buffers[name];
    for (let i = 0; i < grad.length; i++) {
      buf[i] = first ? grad[i] : Math.fround(buf[i] * MOMENTUM + grad[i]);
      p[name][i] = Math.fround(p[name][i] - LR * buf[i]);
    }
  }
  return loss.item() as number;
}

describe.skipIf(gpu === null)('a small LeNet trained with the WGSL kernels', () => {
  it(`gives the CPU's losses over ${STEPS} SGD steps with momentum`, async () => {
    const g = gpu!;
    const onGpu = Object.fromEntries(NAMES.map((name) => [name, g.upload(initial[name])])) as Record<
      Name,
      GpuArray
    >;
    const gpuBuffers = Object.fromEntries(NAMES.map((name) => [name, g.zeros(size(SHAPES[name]))])) as Record<
      Name,
      GpuArray
    >;
    const onCpu = Object.fromEntries(NAMES.map((name) => [name, Float32Array.from(initial[name])])) as Record<
      Name,
      Float32Array
    >;
    const cpuBuffers = Object.fromEntries(
      NAMES.map((name) => [name, new Float32Array(size(SHAPES[name]))]),
    ) as Record<Name, Float32Array>;
    const losses: [number, number][] = [];
    for (let step = 0; step < STEPS; step++) {
      losses.push([await gpuStep(g, onGpu, gpuBuffers, step === 0), cpuStep(onCpu, cpuBuffers, step === 0)]);
    }
    console.info(
      `losses (GPU, CPU): ${losses.map(([a, b]) => `${a.toFixed(6)} ${b.toFixed(6)}`).join('; ')}`,
    );
    for (const [onGpuLoss, onCpuLoss] of losses) {
      expect(Math.abs(onGpuLoss - onCpuLoss)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(onCpuLoss));
    }
    // Training moves: the last loss is below the first.
    expect(losses[STEPS - 1][1]).toBeLessThan(losses[0][1]);
  });
});
