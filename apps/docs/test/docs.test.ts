// Builds the site, serves it on 127.0.0.1 and drives Debian's chromium through it: the chapter's
// examples in both languages, the kernel playground and the receptive-field explorer. Any console
// error, page error or failed request fails the page's test. Screenshots go to
// test-output/docs-screenshots/.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeLayers, type Region } from '@fovea/receptive-field';
import { corr2d, ones, tensor } from '@fovea/tensor';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLayers, toSpec } from '../.vitepress/theme/lib/layers';
import { tensorPage } from './api-pages';
import { CHAPTER } from './chapter';
import { brokenLinks, cjkLineBreaks } from './links';
import { buildSite, chromiumSkipReason, DOCS_DIR, launchBrowser, requireChromium, serveStatic } from './site';

const OUTPUT = join(DOCS_DIR, '../../test-output');
const SITE = join(OUTPUT, 'docs-site');
const SCREENSHOTS = join(OUTPUT, 'docs-screenshots');
const LANGUAGES = [
  { name: 'en', prefix: '' },
  { name: 'zh', prefix: '/zh' },
];

let url = '';
let context: BrowserContext;
const cleanups: (() => Promise<void>)[] = [];

/**
 * Opens `path` in a fresh tab, waits for Vue to take over the page, runs `check`, saves a
 * screenshot as `<shot>.png`, and fails on anything the page reported as an error.
 */
async function visit(
  path: string,
  shot: string,
  check: (page: Page) => Promise<void>,
  fullPage = true,
): Promise<void> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
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
}

/** `expect.poll` with room for a slow CI machine. */
const poll = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 10_000 });

/** Runs every block of a guide page again and returns what each printed. */
async function runAll(page: Page): Promise<string[]> {
  const blocks = page.getByTestId('runnable');
  const count = await blocks.count();
  // The blocks run as the page hydrates, then each becomes an editor; wait for both, then run
  // each once more.
  await poll(() => page.getByTestId('output').count()).toBe(count);
  await poll(() => page.getByTestId('editor').count()).toBe(count);
  for (let i = 0; i < count; i++) await blocks.nth(i).getByTestId('run').click();
  expect(await overflowing(page), 'code or output scrolled sideways at 1280 px').toEqual([]);
  return page.getByTestId('output').allTextContents();
}

/** The code blocks, cells and outputs of the page wider than their box: text cut off at the side. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(
      document.querySelectorAll('.vp-doc div[class*="language-"] pre, .cm-scroller, .runnable-output'),
    )
      .filter((element) => element.scrollWidth > element.clientWidth + 1)
      .map((element) => `${element.className}: ${element.textContent?.slice(0, 60)}`),
  );
}

/** The text of a cell's editor, as CodeMirror holds it. */
const editorText = (cell: ReturnType<Page['getByTestId']>) =>
  cell
    .getByTestId('editor')
    .evaluate((content) =>
      Array.from(content.querySelectorAll('.cm-line'), (line) => line.textContent).join('\n'),
    );

describe.skipIf(chromiumSkipReason !== null)(
  `docs site in chromium${chromiumSkipReason ? ` (skipped: ${chromiumSkipReason})` : ''}`,
  () => {
    beforeAll(async () => {
      requireChromium();
      await mkdir(SCREENSHOTS, { recursive: true });
      await buildSite(SITE);
      const server = await serveStatic(SITE);
      cleanups.push(server.close);
      url = server.url;
      const browser = await launchBrowser();
      cleanups.push(browser.close);
      context = browser.context;
    }, 180_000);

    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    for (const { name: lang, prefix } of LANGUAGES) {
      for (const [page, expected] of Object.entries(CHAPTER)) {
        it(`${lang}: ${page} prints the chapter's output`, async () => {
          await visit(`${prefix}/guide/${page}`, `${lang}-guide-${page}`, async (tab) => {
            const outputs = await runAll(tab);
            expect(outputs).toHaveLength(expected.length);
            expected.forEach((want, i) => {
              if (typeof want === 'string') expect(outputs[i], `block ${i + 1}`).toBe(want);
              else want(outputs[i]);
            });
          });
        });
      }

      for (const page of ['getting-started', 'summary']) {
        it(`${lang}: ${page} runs every cell without an error`, async () => {
          await visit(`${prefix}/guide/${page}`, `${lang}-guide-${page}`, async (tab) => {
            const outputs = await runAll(tab);
            expect(outputs.length).toBeGreaterThan(0);
            expect(await tab.locator('.runnable-output.failed').allTextContents()).toEqual([]);
          });
        });
      }

      it(`${lang}: home page`, async () => {
        await visit(`${prefix}/`, `${lang}-home`, async (tab) => {
          await poll(() => tab.locator('.VPHero .name').textContent()).toContain('Fovea');
          // The search box speaks the page's language.
          const search = await tab.locator('.DocSearch-Button-Placeholder').textContent();
          expect(search?.trim()).toBe(lang === 'zh' ? '搜索' : 'Search');
        });
      });
    }

    it('a cell can be edited and run, shows errors with their line, and resets', async () => {
      await visit('/guide/cross-correlation', 'en-cell-edited', async (tab) => {
        await runAll(tab);
        const cell = tab.getByTestId('runnable').nth(1);
        const original = await editorText(cell);
        const output = cell.getByTestId('output');
        const edited = original.replace('[0, 1],\n  [2, 3],', '[1, 1],\n  [1, 1],');
        expect(edited).not.toBe(original);
        await cell.getByTestId('editor').fill(edited);
        await cell.getByTestId('run').click();
        const X = tensor([
          [0, 1, 2],
          [3, 4, 5],
          [6, 7, 8],
        ]);
        await poll(() => output.textContent()).toBe(String(corr2d(X, ones([2, 2]))));

        await cell
          .getByTestId('editor')
          .fill("import { tensor } from '@fovea/tensor';\n\ntensor([1, 2]).add(tensor([1, 2, 3]));");
        await cell.getByTestId('editor').press('Control+Enter');
        await poll(() => output.textContent()).toMatch(/^Error: .*\(line 3\)$/);
        // The line is marked in the editor too.
        const marked = await cell
          .locator('.cm-line')
          .evaluateAll((lines) =>
            lines.flatMap((line, i) => (line.classList.contains('cm-error-line') ? [i + 1] : [])),
          );
        expect(marked).toEqual([3]);
        await cell.getByTestId('editor').fill('const x: number = (;');
        await cell.getByTestId('run').click();
        await poll(() => output.textContent()).toMatch(/^SyntaxError: .*\(1:\d+\)$/);

        await cell.getByTestId('reset').click();
        await poll(() => output.textContent()).toBe(
          String(
            corr2d(
              X,
              tensor([
                [0, 1],
                [2, 3],
              ]),
            ),
          ),
        );
        expect(await editorText(cell)).toBe(original);
      });
    });

    it("the chapter's figures: the sliding window, the edge pictures, the receptive-field overlay", async () => {
      const X = [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ];
      const K = [
        [0, 1],
        [2, 3],
      ];
      const sum = (i: number, j: number) => {
        const terms = K.flatMap((row, a) => row.map((k, b) => [X[i + a][j + b], k]));
        return `${terms.map(([x, k]) => `${x}×${k}`).join(' + ')} = ${terms.reduce((t, [x, k]) => t + x * k, 0)}`;
      };
      await visit('/guide/cross-correlation', 'en-figure-cross-correlation', async (tab) => {
        expect(await tab.getByTestId('cc-sum').textContent()).toBe(sum(0, 0));
        for (const [i, j] of [
          [0, 1],
          [1, 0],
          [1, 1],
        ]) {
          await tab.getByTestId('cc-next').click();
          await poll(() => tab.getByTestId('cc-sum').textContent()).toBe(sum(i, j));
          const shaded = await tab
            .getByTestId('cc-input')
            .locator('.shaded')
            .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-cell')));
          expect(shaded).toEqual([`${i},${j}`, `${i},${j + 1}`, `${i + 1},${j}`, `${i + 1},${j + 1}`]);
        }
        await tab.getByTestId('cc-output').locator('[data-cell="0,1"]').click();
        await poll(() => tab.getByTestId('cc-sum').textContent()).toBe(sum(0, 1));
      });
      await visit('/zh/guide/edge-detection', 'zh-figure-edges', async (tab) => {
        const image = ones([6, 8]);
        image.slice(':', '2:6').fill_(0);
        const edges = corr2d(image, tensor([[1, -1]])).toArray() as number[][];
        const cells = tab.getByTestId('edge-output').locator('[data-cell]');
        expect(await cells.count()).toBe(6 * 7);
        expect((await cells.allTextContents()).map((text) => Number(text.trim()))).toEqual(edges.flat());
        await tab.getByTestId('edge-transpose').check();
        await poll(() => tab.getByTestId('edge-output').locator('[data-cell]').count()).toBe(8 * 5);
      });
      await visit('/guide/receptive-fields', 'en-figure-receptive-field', async (tab) => {
        const summary = tab.getByTestId('rf-figure-summary');
        await poll(() => summary.getAttribute('data-cells')).toBe('9');
        await tab.getByTestId('rf-layer-1').locator('[data-cell="1,0"]').click();
        await poll(() => summary.getAttribute('data-cells')).toBe('4');
        const shaded = await tab
          .getByTestId('rf-layer-0')
          .locator('.shaded')
          .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-cell')));
        expect(shaded).toEqual(['1,0', '1,1', '2,0', '2,1']);
      });
    });

    it('every internal link and anchor of both locales resolves', async () => {
      const { checked, broken } = await brokenLinks(SITE);
      expect(broken).toEqual([]);
      expect(checked).toBeGreaterThan(1000);
    });

    it('Chinese paragraphs have no stray spaces where the source wraps a line', async () => {
      expect(await cjkLineBreaks(SITE)).toEqual([]);
    });

    it('API reference: an index and one page per package', async () => {
      await visit('/api/', 'api-index', async (tab) => {
        expect(await tab.locator('.vp-doc li a').count()).toBeGreaterThanOrEqual(5);
      });
      // API pages are long: their screenshots show the first screen only.
      for (const name of ['tensor', 'nn', 'optim', 'receptive-field', 'autograd']) {
        const check = async (tab: Page) => {
          expect(await tab.locator('.vp-doc h1').textContent()).toContain(`@fovea/${name}`);
          expect(await overflowing(tab), 'code cut off at 1280 px').toEqual([]);
          if (name === 'tensor') await tensorPage(tab);
        };
        await visit(`/api/${name}`, `api-${name}`, check, false);
      }
      // Tensor's own page: its op methods, each described, and an outline that reaches them.
      await visit(
        '/api/tensor/Tensor',
        'api-tensor-Tensor',
        async (tab) => {
          expect(await tab.locator('.vp-doc h3#add').textContent()).toContain('add()');
          expect(await tab.locator('.vp-doc').textContent()).toContain('elementwise with broadcasting');
          expect(await tab.locator('.VPDocAsideOutline a').count()).toBeGreaterThan(80);
          expect(await overflowing(tab), 'code cut off at 1280 px').toEqual([]);
        },
        false,
      );
      await visit(
        '/api/tensor/webgpu',
        'api-tensor-webgpu',
        async (tab) => {
          expect(await tab.locator('.vp-doc h1').textContent()).toContain('@fovea/tensor/webgpu');
          expect(await tab.locator('.vp-doc h3#conv2dforward').count()).toBe(1);
        },
        false,
      );
      await visit('/zh/api/', 'zh-api-index', async (tab) => {
        expect(await tab.locator('.vp-doc li a').count()).toBeGreaterThanOrEqual(5);
      });
      // A class has a page of its own, and every API page a Chinese twin for the language switch.
      await visit(
        '/api/nn/Conv2d',
        'api-nn-Conv2d',
        async (tab) => {
          expect(await tab.locator('.vp-doc h1').textContent()).toContain('Conv2d');
          expect(await tab.locator('.VPDocAsideOutline a').count()).toBeGreaterThan(5);
          expect(await overflowing(tab), 'code cut off at 1280 px').toEqual([]);
        },
        false,
      );
      await visit('/zh/api/nn/Conv2d', 'zh-api-nn-Conv2d', async (tab) => {
        await tab.locator('.vp-doc a[href$="/api/nn/Conv2d.html"]').click();
        await tab.waitForURL(/\/api\/nn\/Conv2d/);
        expect(new URL(tab.url()).pathname).toBe('/api/nn/Conv2d.html');
      });
    });

    describe('kernel playground', () => {
      const summary = async (tab: Page) => {
        const caption = tab.getByTestId('summary');
        const [shape, min, max] = await Promise.all(
          ['data-shape', 'data-min', 'data-max'].map((attribute) => caption.getAttribute(attribute)),
        );
        const round = (value: string | null) => Number(Number(value).toFixed(4));
        return { shape, min: round(min), max: round(max) };
      };

      it("detects the chapter's vertical edges, and no horizontal ones", async () => {
        await visit('/playground/kernel', 'en-playground-kernel', async (tab) => {
          expect(await summary(tab)).toEqual({ shape: '6,7', min: -1, max: 1 });
          // Column 1 of the map is the white-to-black edge (red), column 5 black-to-white (blue).
          // Small images are drawn a cell of `data-cell` pixels per value, its number in the middle:
          // read each cell's corner.
          const pixels = await tab.getByTestId('output-canvas').evaluate((canvas: HTMLCanvasElement) => {
            const cell = Number(canvas.dataset.cell);
            const data = canvas.getContext('2d')!.getImageData(0, 1, canvas.width, 1).data;
            return Array.from({ length: canvas.width / cell }, (_, col) =>
              Array.from(data.slice(4 * (col * cell + 1), 4 * (col * cell + 1) + 3)),
            );
          });
          expect(pixels[1]).toEqual([255, 0, 0]);
          expect(pixels[5]).toEqual([0, 0, 255]);
          expect(pixels[0]).toEqual([255, 255, 255]);
          // Input and map at the same scale, the map under its windows' centres: half a cell right.
          const [input, output] = await Promise.all(
            ['input-canvas', 'output-canvas'].map(async (id) => (await tab.getByTestId(id).boundingBox())!),
          );
          expect(output.width / 7).toBeCloseTo(input.width / 8, 1);
          expect(output.x - input.x).toBeGreaterThan(0);
          expect(await tab.getByTestId('kernel-picture').locator('[data-cell]').allTextContents()).toEqual([
            '1',
            '-1',
          ]);

          // The window steps along the first row: at (0, 1) it covers a white and a black pixel.
          await tab.getByTestId('step-toggle').click();
          await tab.getByTestId('step-next').click();
          await poll(() => tab.getByTestId('step-sum').getAttribute('data-position')).toBe('0,1');
          expect(await tab.getByTestId('step-sum').textContent()).toContain('1×1 + 0×-1 = 1');

          await tab.getByTestId('kernel').fill('[[1], [-1]]');
          await poll(() => summary(tab)).toEqual({ shape: '5,8', min: 0, max: 0 });
          expect(await tab.getByTestId('preset').inputValue()).toBe('custom');
        });
      });

      it('applies presets to built-in images, and explains a bad kernel', async () => {
        await visit('/playground/kernel', 'en-playground-kernel-sobel', async (tab) => {
          await tab.getByTestId('image').selectOption('square');
          await tab.getByTestId('preset').selectOption('sobel-x');
          await poll(() => summary(tab)).toEqual({ shape: '46,46', min: -4, max: 4 });
          await tab.getByTestId('preset').selectOption('blur');
          await poll(() => summary(tab)).toEqual({ shape: '46,46', min: 0, max: 1 });
          expect(await tab.getByTestId('kernel').inputValue()).toBe(
            '[[0.0625, 0.125, 0.0625], [0.125, 0.25, 0.125], [0.0625, 0.125, 0.0625]]',
          );

          await tab.getByTestId('kernel').fill('[[1, -1]');
          await poll(() => tab.getByTestId('error').textContent()).toContain('JSON');
          expect(await tab.getByTestId('summary').count()).toBe(0);
          await tab.getByTestId('kernel').fill('[[1, 2], [3]]');
          await poll(() => tab.getByTestId('error').textContent()).toContain('same');
        });
      });

      it('takes an uploaded picture', async () => {
        await visit('/zh/playground/kernel', 'zh-playground-kernel', async (tab) => {
          // Any PNG will do: a screenshot of the page's own input canvas, 64 x 48 pixels.
          const picture = await tab.screenshot({ clip: { x: 0, y: 0, width: 64, height: 48 } });
          await tab
            .getByTestId('upload')
            .setInputFiles({ name: 'picture.png', mimeType: 'image/png', buffer: picture });
          await poll(() => tab.getByTestId('image').inputValue()).toBe('uploaded');
          await tab.getByTestId('preset').selectOption('laplacian');
          await poll(async () => (await summary(tab)).shape).toBe('46,62');
        });
      });
    });

    describe('receptive-field explorer', () => {
      const flat = (region: Region | null) => (region ? [...region.rows, ...region.cols].join() : '');

      /** Clicks output unit (i, j) on the output grid and checks both summaries against the package. */
      async function clickUnit(
        tab: Page,
        specs: Parameters<typeof analyzeLayers>[0],
        size: number,
        unit: [number, number],
      ) {
        const rf = analyzeLayers(specs, size);
        const [rows, cols] = rf.outputSize;
        const grid = tab.getByTestId('output-canvas');
        const box = (await grid.boundingBox())!;
        const position = {
          x: ((unit[1] + 0.5) * box.width) / cols,
          y: ((unit[0] + 0.5) * box.height) / rows,
        };
        await grid.click({ position });
        const field = tab.getByTestId('rf-summary');
        await poll(() => field.getAttribute('data-unit')).toBe(unit.join());
        expect(await field.getAttribute('data-region')).toBe(flat(rf.region(unit)));
        expect(await field.getAttribute('data-size')).toBe(rf.size.join());
        // With all-ones weights, the pixels with a non-zero gradient are exactly those that can
        // influence the unit: their bounding box is the package's exactRegion.
        const effective = tab.getByTestId('erf-summary');
        expect(await effective.getAttribute('data-support')).toBe(flat(rf.exactRegion(unit)));
      }

      it('shows the region and the effective field of a clicked unit', async () => {
        await visit('/playground/receptive-field', 'en-playground-receptive-field', async (tab) => {
          const specs = defaultLayers().map(toSpec);
          await clickUnit(tab, specs, 20, [0, 0]);
          await clickUnit(tab, specs, 20, [5, 3]);
        });
      });

      it('follows edits to the stack, and reports one that leaves no output', async () => {
        await visit('/zh/playground/receptive-field', 'zh-playground-receptive-field', async (tab) => {
          await tab.getByTestId('layer-type').nth(2).selectOption('avgpool');
          await tab.getByTestId('add-layer').click();
          await tab.getByTestId('layer-dilation').nth(4).fill('2');
          await tab.getByTestId('input-size').fill('32');
          const specs = defaultLayers().map(toSpec);
          specs[2] = { type: 'pool', kernel: 2, stride: 2, padding: 0 };
          specs.push({ type: 'conv', kernel: 3, stride: 1, padding: 0, dilation: 2 });
          await clickUnit(tab, specs, 32, [7, 0]);

          await tab.getByTestId('layer-kernel').nth(4).fill('30');
          await poll(() => tab.getByTestId('error').textContent()).toContain('第 4 层');
          await tab.getByTestId('remove-layer').nth(4).click();
          await poll(() => tab.getByTestId('error').count()).toBe(0);
        });
      });
    });
  },
);
