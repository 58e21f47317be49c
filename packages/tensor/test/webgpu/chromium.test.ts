import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededUniform } from '@fovea/golden';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dForward } from '../../src/kernels/conv2d.js';
import { gemm } from '../../src/kernels/matmul.js';
import { expectClose } from '../kernels/helpers.js';
import type { PageApi } from './browser/page.js';

/**
 * The WGSL kernels in Debian's chromium on navigator.gpu (SwiftShader here, Vulkan through
 * chromium's own driver): the kernels are bundled with esbuild into a page served on 127.0.0.1
 * (WebGPU needs a secure context), and their results compared with the TypeScript reference,
 * |a - b| <= 1e-4 + 1e-4 |b|. Fails when chromium is missing in CI; skipped elsewhere.
 */

const CHROMIUM = '/usr/bin/chromium';
const skipReason = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is missing; install it with apt-get install -y chromium`;
if (skipReason !== null) {
  if (process.env.CI) throw new Error(`${skipReason} (tooling/scripts/ci-system-deps.sh should in CI)`);
  console.warn(`Skipping the WebGPU browser test: ${skipReason}`);
}

// Chromium's flags for WebGPU on SwiftShader (TOOLCHAIN.md); without --disable-gpu.
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type Page = import('playwright-core').Page;

describe.skipIf(skipReason !== null)('WGSL kernels in chromium on navigator.gpu', () => {
  let page: Page;
  let cleanup: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./browser/page.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0].text;
    const server = createServer((request, response) => {
      if (request.url === '/page.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' });
        response.end(script);
      } else {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><script type="module" src="/page.js"></script>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const profile = await mkdtemp(join(tmpdir(), 'fovea-webgpu-chromium-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS });
    cleanup = async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
      await new Promise((resolve) => server.close(resolve));
    };
    page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'fovea' in globalThis);
  }, 60_000);

  afterAll(() => cleanup());

  const call = <K extends keyof PageApi>(name: K, ...args: Parameters<PageApi[K]>) =>
    page.evaluate(
      ([n, a]) =>
        (globalThis as unknown as { fovea: Record<string, (...x: unknown[]) => unknown> }).fovea[n](...a),
      [name, args] as const,
    ) as ReturnType<PageApi[K]>;

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
