// The backend switch in chromium with a software GPU (SwiftShader, test/site.ts's WEBGPU_FLAGS):
// it is on every cell and on the LeNet page; with WebGPU selected, the chapter's cells print what
// they print on the CPU and say which kernels ran where, a cell that moves its tensors runs them
// on the GPU, and LeNet either trains on the GPU with the CPU's losses or says why not and trains
// on the CPU.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHAPTER } from './chapter';
import { poll, runAll, useSite } from './harness';
import { chromiumSkipReason } from './site';

/** Selects WebGPU on the page's first switch (they share one choice); false when there is no adapter. */
async function selectWebGpu(tab: Page): Promise<boolean> {
  const option = tab.getByTestId('backend').first().locator('option[value="webgpu"]');
  // The page asks navigator.gpu for an adapter as it opens; the option says what it found.
  await poll(() => option.textContent()).not.toContain('…');
  if (await option.isDisabled()) {
    expect(await option.textContent()).toContain('no adapter');
    return false;
  }
  await tab.getByTestId('backend').first().selectOption('webgpu');
  return true;
}

describe.skipIf(chromiumSkipReason !== null)(
  `the backend switch in chromium with WebGPU${chromiumSkipReason ? ` (skipped: ${chromiumSkipReason})` : ''}`,
  () => {
    const { visit } = useSite({ webgpu: true });

    it("with WebGPU selected, the chapter's cells print the same and list where their kernels ran", async () => {
      await visit('/guide/cross-correlation', 'en-webgpu-cross-correlation', async (tab) => {
        const cells = tab.getByTestId('runnable');
        await poll(() => tab.getByTestId('editor').count()).toBe(await cells.count());
        expect(await tab.getByTestId('backend').count()).toBe(await cells.count());
        if (!(await selectWebGpu(tab))) return;
        // Every switch of the page follows.
        expect(await tab.getByTestId('backend').last().inputValue()).toBe('webgpu');
        expect(await runAll(tab)).toEqual(CHAPTER['cross-correlation']);
        const failure = tab.getByTestId('backend-failure');
        if ((await failure.count()) > 0) {
          // setBackend's own error, and the cells went on on the CPU.
          expect(await failure.first().textContent()).toContain("setBackend('webgpu')");
          return;
        }
        // The chapter's tensors live on the CPU: their kernels ran there, and the cell says so.
        expect(await tab.getByTestId('kernels').first().textContent()).toMatch(
          /On the GPU: nothing\..*On the CPU: \S/,
        );
      });
    });

    it('a cell that moves its tensors to the GPU runs there', async () => {
      await visit('/guide/getting-started', 'en-webgpu-getting-started', async (tab) => {
        if (!(await selectWebGpu(tab))) return;
        const outputs = await runAll(tab);
        expect(await tab.locator('.runnable-output.failed').allTextContents()).toEqual([]);
        const cell = tab.getByTestId('runnable').filter({ hasText: 'randn([1, 1, 6, 8])' });
        expect(await cell.getByTestId('output').textContent()).toBe('webgpu webgpu [ 1, 2, 6, 8 ]\n[]');
        expect(await cell.getByTestId('kernels').textContent()).toMatch(/On the GPU: conv2dForward/);
        expect(outputs.length).toBeGreaterThan(1);
      });
    });

    it("the LeNet page trains on WebGPU with the CPU's losses, or says why not and trains on the CPU", async () => {
      await visit('/zh/playground/lenet', 'zh-webgpu-playground-lenet', async (tab) => {
        const gpu = await selectWebGpu(tab);
        const status = tab.getByTestId('lenet-status');
        /** Trains from scratch for `steps` steps, stops, and returns the plot's losses and the backend. */
        const train = async (steps: number) => {
          await tab.getByTestId('start').click();
          await poll(
            async () => Number(await status.getAttribute('data-step')),
            120_000,
          ).toBeGreaterThanOrEqual(steps);
          await tab.getByTestId('stop').click();
          await poll(() => status.getAttribute('data-state'), 60_000).toBe('stopped');
          expect(await tab.getByTestId('lenet-error').count()).toBe(0);
          const losses: number[] = JSON.parse((await status.getAttribute('data-losses')) ?? '[]');
          return { losses: losses.slice(0, steps / 10), backend: await status.getAttribute('data-backend') };
        };
        await tab.getByTestId('architecture').selectOption('relu');
        // SwiftShader runs about one step a second here: ten steps, one point of the plot.
        const first = await train(10);
        const note = tab.getByTestId('backend-note');
        if (!gpu || first.backend !== 'webgpu') {
          expect(first.backend).toBe('wasm');
          // What failed, in the package's words (an op without a WebGPU kernel names itself).
          if (gpu) {
            expect((await note.textContent())?.trim()).toMatch(
              /^WebGPU 还不能训练这个模型：.*“\w+: .+”。改在 CPU（WebAssembly）上从头训练。$/,
            );
          }
          return;
        }
        expect(await note.count()).toBe(0);
        // The same seeded run on the CPU: the mean loss of steps 1-10 agrees to float32 rounding,
        // grown over 10 Adam steps.
        await tab.getByTestId('backend').selectOption('cpu');
        const cpu = await train(10);
        expect(cpu.backend).toBe('wasm');
        expect(first.losses).toHaveLength(1);
        first.losses.forEach((loss, k) => {
          expect(Math.abs(loss - cpu.losses[k]), `points ${first.losses} against ${cpu.losses}`).toBeLessThan(
            1e-3 * cpu.losses[k],
          );
        });
      });
    }, 240_000);
  },
);
