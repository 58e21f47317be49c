import { fileURLToPath } from 'node:url';
import { setBackend } from '@fovea/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The page launcher @fovea/tensor's chromium test uses (esbuild and playwright-core are its devDependencies).
import {
  type ChromiumPage,
  chromiumSkipReason,
  openChromiumPage,
} from '../../../tensor/test/webgpu/browser/chromium.js';
import { STEPS, train, VARIANTS } from './lenet.js';
import type { LenetPageApi } from './lenet-page.js';

/**
 * LeNet through @fovea/nn and @fovea/optim with `setBackend('webgpu')` in Debian's chromium, on
 * navigator.gpu (SwiftShader): the first step's kernels all run on the GPU, parameters and
 * gradients stay there, and the losses agree with the CPU backend's in Node to
 * |gpu - cpu| <= 1e-5 + 1e-4 |cpu|. Fails when chromium is missing in CI; skipped elsewhere.
 */

const skipReason = chromiumSkipReason('the LeNet chromium test');

describe.skipIf(skipReason !== null)('LeNet on webgpu in chromium', () => {
  let page: ChromiumPage<LenetPageApi>;

  beforeAll(async () => {
    page = await openChromiumPage<LenetPageApi>(fileURLToPath(new URL('./lenet-page.ts', import.meta.url)));
  }, 60_000);

  afterAll(() => page?.close());

  for (const variant of VARIANTS) {
    it(`${variant}: the CPU's losses over ${STEPS} steps`, async () => {
      setBackend('wasm');
      const cpu = await train(variant, 'cpu');
      const gpu = await page.call('train', variant);
      console.info(
        `${variant} in chromium (GPU, CPU): ${gpu.losses.map((l, i) => `${l.toFixed(6)} ${cpu.losses[i].toFixed(6)}`).join('; ')}`,
      );
      expect(gpu.backend).toBe('webgpu');
      expect(gpu.offGpu).toEqual([]);
      expect(new Set(gpu.devices)).toEqual(new Set(['webgpu']));
      gpu.losses.forEach((loss, step) => {
        expect(Math.abs(loss - cpu.losses[step])).toBeLessThanOrEqual(
          1e-5 + 1e-4 * Math.abs(cpu.losses[step]),
        );
      });
    });
  }
});
