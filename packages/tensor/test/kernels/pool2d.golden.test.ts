import type { Pool2dCase } from '@fovea/golden';
import { describe, it } from 'vitest';
import {
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
} from '../../src/kernels/registered/index.js';
import { BACKENDS, onBackend, useBackend } from '../wasm/setup.js';
import { expectClose, loadGolden } from './helpers.js';

/**
 * The pooling kernels ops call (kernels/registered/) against PyTorch on both backends: 'js', the
 * TypeScript reference, and 'wasm', the WebAssembly kernels forced on every size.
 */

const { cases } = loadGolden<{ cases: Pool2dCase[] }>('pool2d_visible.json');

describe.each(BACKENDS)(
  'pool2d kernels on %s against PyTorch (pool2d_visible.json, float32, |a-b| <= 1e-4 + 1e-4|b|)',
  (backend) => {
    useBackend(backend);
    cases.forEach((c, i) => {
      const { config } = c;
      const name = `#${i} ${config.kind} ${c.x.shape.join('x')} ${JSON.stringify(config)}`;
      it(name, () =>
        onBackend(backend, () => {
          const x = Float32Array.from(c.x.data);
          const gy = Float32Array.from(c.gy.data);
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
            expectClose(out, c.y.data, `${name} y`);
            expectClose(maxPool2dBackward(gy, c.gy.shape, indices, c.x.shape), c.gx.data, `${name} gx`);
          } else {
            const params = { ...common, countIncludePad: config.count_include_pad ?? true };
            const { out, outShape } = avgPool2dForward(x, c.x.shape, params);
            expectClose(outShape, c.y.shape, `${name} y shape`, 0, 0);
            expectClose(out, c.y.data, `${name} y`);
            expectClose(avgPool2dBackward(gy, c.gy.shape, c.x.shape, params), c.gx.data, `${name} gx`);
          }
        }),
      );
    });
  },
);
