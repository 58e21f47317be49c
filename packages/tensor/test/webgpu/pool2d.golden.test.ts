import type { Pool2dCase } from '@fovea/golden';
import { describe, it } from 'vitest';
import {
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
} from '../../src/webgpu/index.js';
import { expectClose, loadGolden } from '../kernels/helpers.js';
import { testGpu } from './gpu.js';

/** Every pooling case of PyTorch's pool2d_visible.json through the WGSL kernels, forward and backward. */

const { cases } = loadGolden<{ cases: Pool2dCase[] }>('pool2d_visible.json');
const gpu = await testGpu();

describe.skipIf(gpu === null)(
  'pool2d WGSL kernels against PyTorch (pool2d_visible.json, float32, |a-b| <= 1e-4 + 1e-4|b|)',
  () => {
    cases.forEach((c, i) => {
      const { config } = c;
      const name = `#${i} ${config.kind} ${c.x.shape.join('x')} ${JSON.stringify(config)}`;
      it(name, async () => {
        const x = gpu!.upload(Float32Array.from(c.x.data));
        const gy = gpu!.upload(Float32Array.from(c.gy.data));
        const common = {
          kernel: config.kernel_size,
          stride: config.stride,
          padding: config.padding,
          ceilMode: config.ceil_mode,
        };
        if (config.kind === 'max') {
          const params = { ...common, dilation: config.dilation ?? 1 };
          const { out, outShape, indices } = maxPool2dForward(x, c.x.shape, params);
          expectClose(outShape, c.y.shape, `${name} y shape`, 0, 0);
          expectClose(await out.read(), c.y.data, `${name} y`);
          const gx = maxPool2dBackward(gy, c.gy.shape, indices, c.x.shape);
          expectClose(await gx.read(), c.gx.data, `${name} gx`);
        } else {
          const params = { ...common, countIncludePad: config.count_include_pad ?? true };
          const { out, outShape } = avgPool2dForward(x, c.x.shape, params);
          expectClose(outShape, c.y.shape, `${name} y shape`, 0, 0);
          expectClose(await out.read(), c.y.data, `${name} y`);
          const gx = avgPool2dBackward(gy, c.gy.shape, c.x.shape, params);
          expectClose(await gx.read(), c.gx.data, `${name} gx`);
        }
      });
    });
  },
);
