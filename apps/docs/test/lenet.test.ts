// The "Train LeNet in your browser" page in chromium, on the CPU: LeNet trains a few hundred steps
// on the site's Fashion-MNIST subset in a Web Worker and its test accuracy rises; Stop stops,
// Continue goes on from the same step; the first layer's kernels are drawn (test/harness.ts).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, poll, useSite } from './harness';
import { chromiumSkipReason } from './site';

/** Steps trained before the accuracy is compared: six measurements of the test accuracy. */
const STEPS = 300;

const status = (tab: Page) => tab.getByTestId('lenet-status');
const step = async (tab: Page) => Number(await status(tab).getAttribute('data-step'));
const testAccuracies = async (tab: Page): Promise<number[]> =>
  JSON.parse((await status(tab).getAttribute('data-test-accuracy')) ?? '[]');

/** The first layer's kernels as the page drew them: one list of RGB pixels per canvas. */
const kernelPixels = (tab: Page) =>
  tab.getByTestId('kernel').evaluateAll((canvases) =>
    (canvases as HTMLCanvasElement[]).map((canvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      return Array.from(data.filter((_, i) => i % 4 !== 3)).join();
    }),
  );

describe.skipIf(chromiumSkipReason !== null)(
  `the LeNet page in chromium${chromiumSkipReason ? ` (skipped: ${chromiumSkipReason})` : ''}`,
  () => {
    const { visit } = useSite();

    it('trains a few hundred steps, its test accuracy rises, Stop stops and Continue continues', async () => {
      await visit('/playground/lenet', 'en-playground-lenet', async (tab) => {
        // Without a GPU (this chromium has none) the switch offers the CPU alone, and says why.
        const gpuOption = tab.getByTestId('backend').locator('option[value="webgpu"]');
        await poll(() => gpuOption.textContent()).toContain('no adapter');
        expect(await gpuOption.isDisabled()).toBe(true);

        await tab.getByTestId('start').click();
        await poll(() => step(tab), 120_000).toBeGreaterThanOrEqual(STEPS);
        expect(await status(tab).getAttribute('data-backend')).toBe('wasm');
        const accuracies = await testAccuracies(tab);
        expect(accuracies.length).toBeGreaterThanOrEqual(STEPS / 50);
        // Chance is 0.1: after 50 steps the model is near it, after 300 well above.
        expect(Math.max(...accuracies.slice(-2))).toBeGreaterThan(accuracies[0] + 0.1);
        expect(Math.max(...accuracies.slice(-2))).toBeGreaterThan(0.4);

        // Six 5 x 5 kernels, drawn 12 pixels a cell, not blank, and changing as it trains.
        const kernels = tab.getByTestId('kernel');
        expect(await kernels.count()).toBe(6);
        expect(
          await kernels.first().evaluate((canvas: HTMLCanvasElement) => [canvas.width, canvas.height]),
        ).toEqual([60, 60]);
        const drawn = await kernelPixels(tab);
        expect(new Set(drawn[0].split(',')).size).toBeGreaterThan(3);
        await poll(() => kernelPixels(tab), 30_000).not.toEqual(drawn);

        await tab.getByTestId('stop').click();
        await poll(() => status(tab).getAttribute('data-state'), 30_000).toBe('stopped');
        const stoppedAt = await step(tab);
        const points = await tab.getByTestId('plot').getAttribute('data-points');
        await tab.waitForTimeout(1500);
        expect(await step(tab)).toBe(stoppedAt);
        expect(await tab.getByTestId('plot').getAttribute('data-points')).toBe(points);
        expect(await tab.getByTestId('continue').isEnabled()).toBe(true);

        await tab.getByTestId('continue').click();
        await poll(() => step(tab), 60_000).toBeGreaterThanOrEqual(stoppedAt + 20);
        // Continued, not restarted: the plot kept its points, and the step count went on.
        expect(Number(await tab.getByTestId('plot').getAttribute('data-points'))).toBeGreaterThan(
          Number(points),
        );
        await tab.getByTestId('stop').click();
        await poll(() => status(tab).getAttribute('data-state'), 30_000).toBe('stopped');
      });
    }, 240_000);

    it('the Chinese page trains too, and both are in the sidebar', async () => {
      for (const { name: lang, prefix } of LANGUAGES) {
        await visit(`${prefix}/playground/lenet`, `${lang}-playground-lenet-start`, async (tab) => {
          const link = tab.locator(`.VPSidebar a[href="${prefix}/playground/lenet.html"]`);
          expect(await link.count()).toBe(1);
          if (lang === 'en') return;
          await tab.getByTestId('architecture').selectOption('relu');
          await tab.getByTestId('start').click();
          await poll(() => step(tab), 60_000).toBeGreaterThanOrEqual(20);
          expect(await status(tab).textContent()).toContain('训练图像');
          await tab.getByTestId('stop').click();
          await poll(() => status(tab).getAttribute('data-state'), 30_000).toBe('stopped');
        });
      }
    }, 120_000);
  },
);
