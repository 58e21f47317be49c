// The kernel playground and the receptive-field explorer in chromium (test/harness.ts).
import { analyzeLayers, type Region } from '@fovea/receptive-field';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { defaultLayers, toSpec } from '../.vitepress/theme/lib/layers';
import { poll, useSite } from './harness';
import { chromiumSkipReason } from './site';

describe.skipIf(chromiumSkipReason !== null)(
  `the playgrounds in chromium${chromiumSkipReason ? ` (skipped: ${chromiumSkipReason})` : ''}`,
  () => {
    const { visit } = useSite();

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
