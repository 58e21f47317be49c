// Runs @fovea/tensor's WebAssembly thread pool in Debian's chromium: a page bundled from
// test/threads/page.ts, served once cross-origin isolated (COOP same-origin, COEP
// require-corp: shared memory and Web Workers) and once without those headers (one thread).
// Any console error, page error or failed request fails the page's test.
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSkipReason, DOCS_DIR, launchBrowser, requireChromium } from './site';
import type { Report, ThreadsFixture } from './threads/page';

const ISOLATION: OutgoingHttpHeaders = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** The page's thread and two workers: the pool's splits across more than one worker. */
const THREADS = 3;

/**
 * Worst |a - b| / (1 + |b|) allowed against the JavaScript reference: float32 sums of 144
 * (conv2d) or 256 (matmul) products, accumulated in a different order.
 */
const TOLERANCE = 1e-4;

const HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Fovea threads</title>
<script type="module" src="/page.js"></script></head><body></body></html>`;

/** Serves the page and its bundle on 127.0.0.1 at a free port, with `headers` on every response. */
async function servePage(
  bundle: string,
  headers: OutgoingHttpHeaders,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const body = path === '/' ? HTML : path === '/page.js' ? bundle : null;
    const type = path === '/' ? 'text/html; charset=utf-8' : 'text/javascript';
    response.writeHead(body === null ? 404 : 200, {
      ...headers,
      'content-type': body === null ? 'text/plain' : type,
    });
    response.end(body ?? `not found: ${path}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let context: BrowserContext;
let isolatedUrl = '';
let plainUrl = '';
const cleanups: (() => Promise<void>)[] = [];

interface Visit {
  report: Report;
  warnings: string[];
  /** Web Workers the page started. */
  workers: number;
}

/** Opens `url`, runs the fixture's checks for `threads` threads and fails on any page error. */
async function visit(url: string, threads: number): Promise<Visit> {
  const page = await context.newPage();
  const problems: string[] = [];
  const warnings: string[] = [];
  let workers = 0;
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
    if (message.type() === 'warning') warnings.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('worker', () => workers++);
  try {
    await page.goto(url);
    await page.waitForFunction(() => 'threadsFixture' in globalThis);
    const report = await page.evaluate(
      (n) => (globalThis as unknown as { threadsFixture: ThreadsFixture }).threadsFixture.check(n),
      threads,
    );
    expect(problems, `errors reported by ${url}`).toEqual([]);
    return { report, warnings, workers };
  } catch (error) {
    // The page's own errors first: they usually explain a failed check.
    expect(problems, `errors reported by ${url}`).toEqual([]);
    throw error;
  } finally {
    await page.close();
  }
}

function expectAgreement(report: Report, threads: number): void {
  for (const c of report.comparisons) {
    expect(c.length, `${c.label}: length`).toBe(c.expectedLength);
    expect(c.length, `${c.label}: length`).toBeGreaterThan(0);
    const where = `${c.label}: element ${c.at} is ${c.actual}, expected ${c.expected}`;
    if (c.label.endsWith('vs js')) {
      expect(c.worst, where).toBeLessThanOrEqual(TOLERANCE);
      // A maximum is one of its inputs: no rounding to tolerate.
      if (c.label.startsWith('maxPool2d')) expect(c.different, where).toBe(0);
    } else {
      // Every output element is summed in the same order whichever thread computes it.
      expect(c.different, `${c.label}: ${c.different} elements differ; ${where}`).toBe(0);
    }
  }
  const labels = report.comparisons.map((c) => c.label);
  for (const op of ['conv2d', 'maxPool2d', 'matmul']) {
    expect(labels).toContain(`${op}, ${threads} threads vs js`);
  }
}

describe.skipIf(chromiumSkipReason !== null)(
  `thread pool in chromium${chromiumSkipReason ? ` (skipped: ${chromiumSkipReason})` : ''}`,
  () => {
    beforeAll(async () => {
      requireChromium();
      const bundled = await build({
        entryPoints: [join(DOCS_DIR, 'test/threads/page.ts')],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        target: 'es2022',
        conditions: ['@fovea/source'],
        outfile: 'page.js',
        write: false,
        logLevel: 'silent',
      });
      const bundle = bundled.outputFiles[0].text;
      const isolated = await servePage(bundle, ISOLATION);
      cleanups.push(isolated.close);
      isolatedUrl = isolated.url;
      const plain = await servePage(bundle, {});
      cleanups.push(plain.close);
      plainUrl = plain.url;
      const browser = await launchBrowser();
      cleanups.push(browser.close);
      context = browser.context;
    }, 60_000);

    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it(`cross-origin isolated: ${THREADS} threads agree with the reference, and workers did part of the work`, async () => {
      const { report, warnings, workers } = await visit(isolatedUrl, THREADS);
      expect(report.crossOriginIsolated).toBe(true);
      expect(report.sharedArrayBuffer).toBe(true);
      expect(report.backend).toBe('wasm');
      expect(report.sharedMemory).toBe(true);
      // Chromium has relaxed SIMD (since 114): the conv2d checks run the build that fuses.
      expect(report.relaxedSimd).toBe(true);
      expect(report.threads).toBe(THREADS);
      expect(workers).toBe(THREADS - 1);
      expect(report.workersReady).toBe(THREADS - 1);
      expectAgreement(report, THREADS);
      // The pool hands out a call's items in chunks taken in turn (kernels/wasm/threads.ts), so
      // a call's split varies: the page's thread takes more when a worker wakes late, and none
      // when the workers take every chunk first. Over all the calls, the workers must have
      // computed a share.
      let workerItems = 0;
      for (const [op, calls] of Object.entries(report.calls)) {
        expect(calls.length, `${op}: calls into the pool`).toBeGreaterThan(0);
        for (const call of calls) {
          const label = `${op}: ${call.kernel}`;
          expect(call.threads, label).toBe(THREADS);
          expect(call.pageItems, `${label}: items the page's thread ran`).toBeLessThanOrEqual(call.items);
          workerItems += call.items - call.pageItems;
        }
      }
      expect(workerItems, 'items the workers ran, over all the calls').toBeGreaterThan(0);
      expect(warnings).toEqual([]);
    });

    it('not isolated: one thread, no workers, the same values', async () => {
      const { report, warnings, workers } = await visit(plainUrl, THREADS);
      expect(report.crossOriginIsolated).toBe(false);
      expect(report.sharedArrayBuffer).toBe(false);
      expect(report.backend).toBe('wasm');
      expect(report.sharedMemory).toBe(false);
      expect(report.relaxedSimd).toBe(true);
      expect(report.threads).toBe(1);
      expect(workers).toBe(0);
      expect(report.workersReady).toBeNull();
      // One run on one thread, one after asking for THREADS: three ops each.
      expect(report.wasmCalls).toBeGreaterThanOrEqual(6);
      expectAgreement(report, THREADS);
      expect(Object.values(report.calls).flat()).toEqual([]);
      expect(warnings).toEqual([]);
    });
  },
);
