import { describe, it } from 'vitest';
import {
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
} from '../../src/kernels/dispatch.js';
import type { Pair } from '../../src/kernels/shape.js';
import { expectClose, type GoldenTensor, loadGolden } from '../kernels/helpers.js';
import { forceWasm } from './setup.js';

/**
 * The golden pooling cases of test/kernels/pool2d.golden.test.ts on the WebAssembly backend
 * (forced on every size), with the same tolerance: |a - b| <= 1e-4 + 1e-4 |b|.
 */

interface PoolCase {
  config: {
    kind: 'max' | 'avg';
    kernel_size: Pair;
    stride: Pair;
    padding: Pair;
    ceil_mode: boolean;
    dilation?: Pair;
    count_include_pad?: boolean;
  };
  x: GoldenTensor;
  y: GoldenTensor;
  gy: GoldenTensor;
  gx: GoldenTensor;
}

forceWasm();

const { cases } = loadGolden<{ cases: PoolCase[] }>('pool2d_visible.json');

describe('WebAssembly pooling against PyTorch (pool2d_visible.json, |a-b| <= 1e-4 + 1e-4|b|)', () => {
  cases.forEach((c, i) => {
    const { config } = c;
    const name = `#${i} ${config.kind} ${c.x.shape.join('x')} ${JSON.stringify(config)}`;
    it(name, () => {
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
    });
  });
});
