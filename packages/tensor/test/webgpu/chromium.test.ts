import { fileURLToPath } from 'node:url';
import { seededUniform } from '@fovea/golden';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dForward } from '../../src/kernels/conv2d.js';
import { gemm } from '../../src/kernels/matmul.js';
import { expectClose } from '../kernels/helpers.js';
import { type ChromiumPage, chromiumSkipReason, openChromiumPage } from './browser/chromium.js';
import type { PageApi } from './browser/page.js';

/**
 * The WGSL kernels in Debian's chromium on navigator.gpu (SwiftShader here, Vulkan through
 * chromium's own driver), bundled into a page (browser/chromium.ts), their results compared
 * with the TypeScript reference, |a - b| <= 1e-4 + 1e-4 |b|. Fails when chromium is missing in CI; skipped elsewhere.
 */

const skipReason = chromiumSkipReason('the WebGPU browser test');

describe.skipIf(skipReason !== null)('WGSL kernels in chromium on navigator.gpu', () => {
  let page: ChromiumPage<PageApi>;

  beforeAll(async () => {
    page = await openChromiumPage<PageApi>(fileURLToPath(new URL('./browser/page.ts', import.meta.url)));
  }, 60_000);

  afterAll(() => page?.close());

  const call: ChromiumPage<PageApi>['call'] = (name, ...args) => page.call(name, ...args);

  it('finds an adapter on navigator.gpu', async () => {
    const adapter = await call('adapter');
    expect(adapter.source).toBe('navigator.gpu');
    console.info(`chromium WebGPU adapter: ${adapter.architecture} (software: ${adapter.isSoftware})`);
  });

  it('conv2d forward with stride, asymmetric padding, dilation and groups', async () => {
    const xShape = [2, 4, 9, 7];
    const wShape = [6, 2, 3, 2];
    const params = { stride: [2, 1], padding: [1, 0, 2, 1], dilation: [1, 2], groups: 2 } as const;
    const x = seededUniform(101, 2 * 4 * 9 * 7);
    const w = seededUniform(102, 6 * 2 * 3 * 2);
    const want = conv2dForward(x, xShape, w, wShape, null, params).out;
    const got = await call('conv2d', Array.from(x), xShape, Array.from(w), wShape, params);
    expectClose(got, want, 'conv2d in chromium');
  });

  it('matmul with transposes', async () => {
    const [M, N, K] = [7, 5, 9];
    for (const [transA, transB] of [
      [false, false],
      [true, true],
    ] as const) {
      const a = seededUniform(103, M * K);
      const b = seededUniform(104, K * N);
      const want = new Float32Array(M * N);
      gemm(transA, transB, M, N, K, 1, a, 0, transA ? M : K, b, 0, transB ? K : N, 0, want, 0, N);
      const got = await call('matmul', transA, transB, M, N, K, Array.from(a), Array.from(b));
      expectClose(got, want, `matmul transA=${transA} transB=${transB} in chromium`);
    }
  });
});
