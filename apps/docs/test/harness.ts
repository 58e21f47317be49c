// What the browser tests of the site share: one build of the site per test run, a server and a
// chromium per test file, and `visit`, which opens a page, runs checks, saves a screenshot to
// test-output/docs-screenshots/ and fails on any console error, page error or failed request.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildSite, DOCS_DIR, launchBrowser, requireChromium, serveStatic } from './site';

export const OUTPUT = join(DOCS_DIR, '../../test-output');
export const SITE = join(OUTPUT, 'docs-site');
export const SCREENSHOTS = join(OUTPUT, 'docs-screenshots');
export const LANGUAGES = [
  { name: 'en', prefix: '' },
  { name: 'zh', prefix: '/zh' },
];

const LOCK = `${SITE}.lock`;
const STAMP = join(SITE, '.built-by-run');

/**
 * Builds the site into SITE once per test run: the test files run in forks of one vitest
 * process, whose pid (each fork's parent) names the run. A lock folder keeps two files from
 * building at once; one left by a killed run is taken over after ten minutes.
 */
async function buildOnce(): Promise<void> {
  const run = String(process.ppid);
  for (;;) {
    try {
      await mkdir(LOCK, { recursive: false });
      break;
    } catch {
      const age = await stat(LOCK).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 10 * 60_000) await rm(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    const built = existsSync(STAMP) ? await readFile(STAMP, 'utf8') : '';
    if (built === run) return;
    await buildSite(SITE);
    await writeFile(STAMP, run);
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/** `expect.poll` with room for a slow CI machine. */
export const poll = <T>(value: () => T | Promise<T>, timeout = 10_000) => expect.poll(value, { timeout });

export interface Site {
  /**
   * Opens `path` in a fresh tab, waits for Vue to take over the page, runs `check`, saves a
   * screenshot as `<shot>.png`, and fails on anything the page reported as an error.
   */
  visit(path: string, shot: string, check: (page: Page) => Promise<void>, fullPage?: boolean): Promise<void>;
}

/**
 * The built site, served and opened in chromium for the tests of the calling file (hooks
 * registered in the surrounding `describe`); `webgpu` launches chromium with a software GPU.
 */
export function useSite(options: { webgpu?: boolean } = {}): Site {
  let url = '';
  let context: BrowserContext;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    requireChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
    await buildOnce();
    const server = await serveStatic(SITE);
    cleanups.push(server.close);
    url = server.url;
    const browser = await launchBrowser(options);
    cleanups.push(browser.close);
    context = browser.context;
  }, 300_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  return {
    async visit(path, shot, check, fullPage = true) {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error')
          problems.push(`console: ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
      });
      let failure: unknown = null;
      try {
        await page.goto(`${url}${path}`);
        await page.waitForFunction(
          () => (document.querySelector('#app') as { __vue_app__?: object } | null)?.__vue_app__,
        );
        await check(page);
        // Clicks scroll the page, and a full-page shot draws the fixed header where the view was.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(SCREENSHOTS, `${shot}.png`), fullPage });
      } catch (error) {
        failure = error;
      } finally {
        await page.close();
      }
      // The page's own errors first: they usually explain a failed check.
      expect(problems, `errors reported by ${path}`).toEqual([]);
      if (failure) throw failure;
    },
  };
}

/** Runs every block of a guide page again and returns what each printed. */
export async function runAll(page: Page): Promise<string[]> {
  const blocks = page.getByTestId('runnable');
  const count = await blocks.count();
  // The blocks run as the page hydrates, then each becomes an editor; wait for both, then run
  // each once more, each to its end (a cell's output is replaced when its run ends).
  await poll(() => page.getByTestId('output').count()).toBe(count);
  await poll(() => page.getByTestId('editor').count()).toBe(count);
  for (let i = 0; i < count; i++) {
    const block = blocks.nth(i);
    const runs = Number(await block.getAttribute('data-runs'));
    await block.getByTestId('run').click();
    await poll(async () => Number(await block.getAttribute('data-runs'))).toBeGreaterThan(runs);
  }
  expect(await overflowing(page), 'code or output scrolled sideways at 1280 px').toEqual([]);
  return page.getByTestId('output').allTextContents();
}

/** The code blocks, cells and outputs of the page wider than their box: text cut off at the side. */
export function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(
      document.querySelectorAll('.vp-doc div[class*="language-"] pre, .cm-scroller, .runnable-output'),
    )
      .filter((element) => element.scrollWidth > element.clientWidth + 1)
      .map((element) => `${element.className}: ${element.textContent?.slice(0, 60)}`),
  );
}

/** The text of a cell's editor, as CodeMirror holds it. */
export const editorText = (cell: ReturnType<Page['getByTestId']>) =>
  cell
    .getByTestId('editor')
    .evaluate((content) =>
      Array.from(content.querySelectorAll('.cm-line'), (line) => line.textContent).join('\n'),
    );
