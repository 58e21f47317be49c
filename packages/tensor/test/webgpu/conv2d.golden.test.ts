import type { Conv2dCase } from '@fovea/golden';
import { describe, it } from 'vitest';
import type { Conv2dParams } from '../../src/kernels/conv2d.js';
import { type PadMode, pad2d, pad2dBackward } from '../../src/kernels/pad.js';
import { expandPair, resolveConvPadding } from '../../src/kernels/shape.js';
import {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from '../../src/webgpu/index.js';
import { expectClose, type GoldenTensor, loadGolden } from '../kernels/helpers.js';
import { testGpu } from './gpu.js';

/**
 * Every conv2d case of PyTorch's conv2d_visible.json through the WGSL kernels, forward and the
 * three gradients. Non-zero padding modes pad on the CPU first, as torch.nn.Conv2d does.
 */

const { cases } = loadGolden<{ cases: Conv2dCase[] }>('conv2d_visible.json');
const f32 = (t: GoldenTensor) => Float32Array.from(t.data);
const gpu = await testGpu();

async function runCase(c: Conv2dCase) {
  const gpu_ = gpu!;
  const { config } = c;
  const kernel = expandPair('conv2d', 'kernel_size', config.kernel_size);
  const stride = expandPair('conv2d', 'stride', config.stride);
  const dilation = expandPair('conv2d', 'dilation', config.dilation);
  const [pt, pb, pl, pr] = resolveConvPadding(config.padding, kernel, dilation, stride);
  const zeros = config.padding_mode === 'zeros';
  const params: Conv2dParams = {
    stride,
    dilation,
    groups: config.groups,
    padding: zeros ? [pt, pb, pl, pr] : [0, 0, 0, 0],
  };
  const mode = config.padding_mode as PadMode;
  const pads = [pl, pr, pt, pb];
  const padded = zeros ? { out: f32(c.x), outShape: c.x.shape } : pad2d(f32(c.x), c.x.shape, pads, mode);
  const x = gpu_.upload(padded.out);
  const w = gpu_.upload(f32(c.weight));
  const bias = c.bias ? gpu_.upload(f32(c.bias)) : null;
  const gy = gpu_.upload(f32(c.gy));
  const { out: y, outShape } = conv2dForward(x, padded.outShape, w, c.weight.shape, bias, params);
  const gPadded = await conv2dBackwardInput(
    gy,
    c.gy.shape,
    w,
    c.weight.shape,
    padded.outShape,
    params,
  ).read();
  const gx = zeros ? gPadded : pad2dBackward(gPadded as Float32Array, padded.outShape, c.x.shape, pads, mode);
  const gw = conv2dBackwardWeight(x, padded.outShape, gy, c.gy.shape, c.weight.shape, params);
  const gb = conv2dBackwardBias(gy, c.gy.shape);
  return { y: await y.read(), outShape, gx, gw: await gw.read(), gb: await gb.read() };
}

describe.skipIf(gpu === null)(
  'conv2d WGSL kernels against PyTorch (conv2d_visible.json, float32, |a-b| <= 1e-4 + 1e-4|b|)',
  () => {
    cases.forEach((c, i) => {
      const { config } = c;
      const name =
        `#${i} ${c.x.shape.join('x')} k=${JSON.stringify(config.kernel_size)} s=${JSON.stringify(config.stride)} ` +
        `p=${JSON.stringify(config.padding)} d=${JSON.stringify(config.dilation)} g=${config.groups} ` +
        `${config.padding_mode}`;
      it(name, async () => {
        const r = await runCase(c);
        expectClose(r.outShape, c.y.shape, `${name} y shape`, 0, 0);
        expectClose(r.y, c.y.data, `${name} y`);
        expectClose(r.gx, c.gx.data, `${name} gx`);
        expectClose(r.gw, c.gweight.data, `${name} gweight`);
        if (c.gbias) expectClose(r.gb, c.gbias.data, `${name} gbias`);
      });
    });
  },
);
