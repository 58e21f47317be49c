import { seededUniform } from '@fovea/golden';
import { describe, expect, it } from 'vitest';
import {
  conv2dBackwardInput as refBackwardInput,
  conv2dBackwardWeight as refBackwardWeight,
  conv2dForward as refConv2d,
} from '../../src/kernels/conv2d.js';
import { gemm as refGemm } from '../../src/kernels/matmul.js';
import { sumBlocks as refSumBlocks } from '../../src/kernels/reduce.js';
import type { Padding4 } from '../../src/kernels/shape.js';
import { mapStrided, zipStrided } from '../../src/kernels/strided.js';
import {
  activationBackward,
  binary,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  gemm,
  linear,
  logSoftmax,
  logSoftmaxBackward,
  nllLoss,
  nllLossBackward,
  reduceDims,
  sumBlocks,
  unary,
} from '../../src/webgpu/index.js';
import { expectClose } from '../kernels/helpers.js';
import { testGpu } from './gpu.js';

/**
 * Every WGSL kernel against the TypeScript reference kernels (or, where @fovea/tensor has no
 * kernel, the formula in float64) on seeded random inputs, |a - b| <= 1e-4 + 1e-4 |b| unless a
 * test says otherwise. Sizes stay small: SwiftShader runs these on the CPU.
 */

const gpu = await testGpu();
const random = (seed: number, size: number) => seededUniform(seed, size);

describe.skipIf(gpu === null)('WGSL kernels against the TypeScript reference', () => {
  it('conv2d forward and gradients: asymmetric padding, stride, dilation and groups', async () => {
    const cases: {
      x: number[];
      w: number[];
      stride: [number, number];
      padding: Padding4;
      dilation: [number, number];
      groups: number;
    }[] = [
      {
        x: [2, 4, 9, 8],
        w: [6, 2, 3, 2],
        stride: [2, 1],
        padding: [0, 2, 1, 0],
        dilation: [1, 2],
        groups: 2,
      },
      {
        x: [1, 3, 7, 7],
        w: [3, 1, 3, 3],
        stride: [1, 1],
        padding: [1, 1, 1, 1],
        dilation: [1, 1],
        groups: 3,
      },
      {
        x: [3, 2, 6, 10],
        w: [4, 2, 1, 4],
        stride: [3, 2],
        padding: [2, 0, 0, 3],
        dilation: [2, 1],
        groups: 1,
      },
    ];
    let seed = 1;
    for (const c of cases) {
      const params = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
      const x = random(
        seed++,
        c.x.reduce((a, b) => a * b),
      );
      const w = random(
        seed++,
        c.w.reduce((a, b) => a * b),
      );
      const bias = random(seed++, c.w[0]);
      const want = refConv2d(x, c.x, w, c.w, bias, params);
      const got = conv2dForward(gpu!.upload(x), c.x, gpu!.upload(w), c.w, gpu!.upload(bias), params);
      expect(got.outShape).toEqual(want.outShape);
      expectClose(await got.out.read(), want.out, `conv2d ${JSON.stringify(c)} y`);
      const activated = { ...params, activation: 'sigmoid' as const };
      const wantSigmoid = refConv2d(x, c.x, w, c.w, bias, activated).out;
      const gotSigmoid = conv2dForward(
        gpu!.upload(x),
        c.x,
        gpu!.upload(w),
        c.w,
        gpu!.upload(bias),
        activated,
      );
      expectClose(await gotSigmoid.out.read(), wantSigmoid, `conv2d ${JSON.stringify(c)} sigmoid(y)`);
      const gy = random(seed++, want.out.length);
      expectClose(
        await conv2dBackwardInput(gpu!.upload(gy), want.outShape, gpu!.upload(w), c.w, c.x, params).read(),
        refBackwardInput(gy, want.outShape, w, c.w, c.x, params),
        `conv2d ${JSON.stringify(c)} gx`,
      );
      expectClose(
        await conv2dBackwardWeight(gpu!.upload(x), c.x, gpu!.upload(gy), want.outShape, c.w, params).read(),
        refBackwardWeight(x, c.x, gy, want.outShape, c.w, params),
        `conv2d ${JSON.stringify(c)} gw`,
      );
    }
  });

  it('conv2d checks shapes with the reference messages', () => {
    const x = gpu!.zeros(3 * 8 * 8);
    const w = gpu!.zeros(2 * 4 * 9);
    const params = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } as const;
    expect(() => conv2dForward(x, [1, 3, 8, 8], w, [2, 4, 3, 3], null, params)).toThrow(
      'conv2d: input has 3 channels but weight expects 4 (input [1, 3, 8, 8], weight [2, 4, 3, 3])',
    );
  });

  it('gemm with every transpose, offsets, leading dimensions, alpha and beta', async () => {
    const [M, N, K] = [5, 7, 6];
    let seed = 20;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const lda = (transA ? M : K) + 2;
        const ldb = (transB ? K : N) + 1;
        const ldc = N + 3;
        const A = random(seed++, 3 + lda * (transA ? K : M));
        const B = random(seed++, 1 + ldb * (transB ? N : K));
        const C = random(seed++, 2 + ldc * M);
        const want = Float32Array.from(C);
        refGemm(transA, transB, M, N, K, 0.5, A, 3, lda, B, 1, ldb, -1.5, want, 2, ldc);
        const c = gpu!.upload(C);
        gemm(transA, transB, M, N, K, 0.5, gpu!.upload(A), 3, lda, gpu!.upload(B), 1, ldb, -1.5, c, 2, ldc);
        expectClose(await c.read(), want, `gemm transA=${transA} transB=${transB}`);
      }
    }
  });

  it('linear: x W^T + b, with and without bias', async () => {
    const x = random(30, 4 * 3 * 5);
    const w = random(31, 6 * 5);
    const b = random(32, 6);
    for (const bias of [b, null]) {
      const want = new Float32Array(12 * 6);
      for (let r = 0; r < 12; r++) if (bias) want.set(bias, r * 6);
      refGemm(false, true, 12, 6, 5, 1, x, 0, 5, w, 0, 5, 1, want, 0, 6);
      const got = linear(gpu!.upload(x), [4, 3, 5], gpu!.upload(w), [6, 5], bias && gpu!.upload(bias));
      expect(got.outShape).toEqual([4, 3, 6]);
      expectClose(await got.out.read(), want, `linear bias=${bias !== null}`);
    }
  });

  it('binary ops with broadcasting and offsets, as zipStrided', async () => {
    const shape = [3, 4, 5];
    const a = random(40, 1 + 4 * 5);
    const b = random(41, 2 + 3 * 5).map((v) => v + 2);
    const aStrides = [0, 5, 1];
    const bStrides = [5, 0, 1];
    const fns = {
      add: (x: number, y: number) => x + y,
      sub: (x: number, y: number) => x - y,
      mul: (x: number, y: number) => x * y,
      div: (x: number, y: number) => x / y,
      maximum: Math.max,
      minimum: Math.min,
      pow: (x: number, y: number) => Math.abs(x) ** y,
    };
    for (const [op, f] of Object.entries(fns) as [keyof typeof fns, (x: number, y: number) => number][]) {
      const left = op === 'pow' ? a.map(Math.abs) : a;
      const want = new Float32Array(60);
      zipStrided(f, left, aStrides, 1, b, bStrides, 2, shape, want);
      const got = binary(op, gpu!.upload(left), aStrides, 1, gpu!.upload(b), bStrides, 2, shape);
      expectClose(await got.read(), want, `binary ${op}`);
    }
  });

  it('activations forward on a strided view, as mapStrided, and their fused backward', async () => {
    const shape = [4, 6];
    const strides = [1, 4];
    const src = random(50, 24).map((v) => v * 3);
    const positive = src.map((v) => Math.abs(v) + 0.1);
    const fns = {
      copy: (v: number) => v,
      relu: (v: number) => Math.max(v, 0),
      sigmoid: (v: number) => 1 / (1 + Math.exp(-v)),
      tanh: Math.tanh,
      exp: Math.exp,
      log: Math.log,
      neg: (v: number) => -v,
      abs: Math.abs,
      sqrt: Math.sqrt,
    };
    for (const [op, f] of Object.entries(fns) as [keyof typeof fns, (v: number) => number][]) {
      const input = op === 'log' || op === 'sqrt' ? positive : src;
      const want = new Float32Array(24);
      mapStrided(f, input, shape, strides, 0, want);
      expectClose(await unary(op, gpu!.upload(input), shape, strides, 0).read(), want, `unary ${op}`);
    }
    // Backward from the saved input (relu, log) or output (sigmoid, tanh, exp) against the derivative.
    const gy = random(51, 24);
    const derivative = {
      relu: [src, (x: number) => (x > 0 ? 1 : 0)],
      log: [positive, (x: number) => 1 / x],
      sigmoid: [src.map(fns.sigmoid), (y: number) => y * (1 - y)],
      tanh: [src.map(Math.tanh), (y: number) => 1 - y * y],
      exp: [src.map(Math.exp), (y: number) => y],
    } as const;
    for (const [op, [saved, d]] of Object.entries(derivative)) {
      const want = gy.map((g, i) => g * d(saved[i]));
      const got = activationBackward(
        op as keyof typeof derivative,
        gpu!.upload(gy),
        gpu!.upload(saved),
        [4, 6],
      );
      expectClose(await got.read(), want, `${op} backward`);
    }
  });

  it('sums and means over blocks and over any dims', async () => {
    const x = random(60, 2 * 3 * 4 * 5);
    const want = new Float32Array(6);
    refSumBlocks(x, 6, 20, want);
    expectClose(await sumBlocks(gpu!.upload(x), 6, 20).read(), want, 'sumBlocks');
    expectClose(
      await sumBlocks(gpu!.upload(x), 6, 20, true).read(),
      want.map((v) => v / 20),
      'meanBlocks',
    );
    const shape = [2, 3, 4, 5];
    for (const dims of [[1], [0, 2], [-1, 1], [0, 1, 2, 3]]) {
      for (const op of ['sum', 'mean'] as const) {
        const kept = shape.map((_, d) => d).filter((d) => !dims.map((e) => (e + 4) % 4).includes(d));
        const outShape = kept.map((d) => shape[d]);
        const expected = new Float64Array(outShape.reduce((a, b) => a * b, 1));
        let count = 0;
        x.forEach((v, flat) => {
          const index = [flat / 60, (flat / 20) % 3, (flat / 5) % 4, flat % 5].map(Math.floor);
          const o = kept.reduce((acc, d) => acc * shape[d] + index[d], 0);
          expected[o] += v;
          if (o === 0) count++;
        });
        const got = reduceDims(op, gpu!.upload(x), shape, dims);
        expect(got.outShape).toEqual(outShape);
        const scaled = op === 'mean' ? expected.map((v) => v / count) : expected;
        expectClose(await got.out.read(), scaled, `${op} over [${dims.join(', ')}]`);
      }
    }
  });

  it('log-softmax and NLL loss, forward and backward, against their formulas in float64', async () => {
    const [N, C] = [6, 5];
    const x = random(70, N * C).map((v) => v * 4);
    const target = Int32Array.from([0, 4, 2, -100, 1, 4]);
    const weight = random(71, C).map((v) => v + 1.5);
    const logp = new Float64Array(N * C);
    for (let n = 0; n < N; n++) {
      const row = Array.from(x.subarray(n * C, (n + 1) * C));
      const top = Math.max(...row);
      const lse = top + Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0));
      row.forEach((v, c) => {
        logp[n * C + c] = v - lse;
      });
    }
    const y = logSoftmax(gpu!.upload(x), [N, C], 1);
    expectClose(await y.read(), logp, 'log_softmax');
    const t = gpu!.upload(target);
    for (const reduction of ['none', 'sum', 'mean'] as const) {
      for (const w of [null, weight]) {
        const wOf = (n: number) => (target[n] === -100 ? 0 : w ? w[target[n]] : 1);
        const losses = Array.from(target, (c, n) => (c === -100 ? 0 : -wOf(n) * logp[n * C + c]));
        const total = losses.reduce((a, b) => a + b, 0);
        const denominator = Array.from(target, (_, n) => wOf(n)).reduce((a, b) => a + b, 0);
        const options = { reduction, weight: w && gpu!.upload(w), ignoreIndex: -100 };
        const expected = reduction === 'none' ? losses : [reduction === 'sum' ? total : total / denominator];
        const label = `nll_loss ${reduction} weight=${w !== null}`;
        expectClose(await nllLoss(y, [N, C], t, options).read(), expected, label);
        // Backward of log_softmax + nll (cross-entropy) from an upstream gradient of 2.
        const gloss = gpu!.upload(new Float32Array(reduction === 'none' ? N : 1).fill(2));
        const glogp = nllLossBackward(gloss, [N, C], t, options);
        const scale = reduction === 'mean' ? 2 / denominator : 2;
        const gx = await logSoftmaxBackward(glogp, y, [N, C], 1).read();
        const want = new Float64Array(N * C);
        for (let n = 0; n < N; n++) {
          if (target[n] === -100) continue;
          for (let c = 0; c < C; c++) {
            want[n * C + c] = scale * wOf(n) * (Math.exp(logp[n * C + c]) - (c === target[n] ? 1 : 0));
          }
        }
        expectClose(gx, want, `${label} gradient`);
      }
    }
  });

  it('log-softmax along an inner dimension', async () => {
    const shape = [2, 3, 4];
    const x = random(80, 24);
    const want = new Float64Array(24);
    for (let a = 0; a < 2; a++) {
      for (let c = 0; c < 4; c++) {
        const at = (k: number) => a * 12 + k * 4 + c;
        const lse = Math.log([0, 1, 2].reduce((s, k) => s + Math.exp(x[at(k)]), 0));
        for (let k = 0; k < 3; k++) want[at(k)] = x[at(k)] - lse;
      }
    }
    expectClose(await logSoftmax(gpu!.upload(x), shape, -2).read(), want, 'log_softmax dim -2');
  });
});
