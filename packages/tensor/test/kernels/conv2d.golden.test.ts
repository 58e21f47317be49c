import type { Conv2dCase } from '@fovea/golden';
import { describe, it } from 'vitest';
import type { Conv2dParams, WinogradTile } from '../../src/kernels/conv2d-geometry.js';
import { type PadMode, pad2d, pad2dBackward } from '../../src/kernels/pad.js';
import {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from '../../src/kernels/registered/index.js';
import { expandPair, resolveConvPadding } from '../../src/kernels/shape.js';
import { BACKENDS, onBackend, useBackend } from '../wasm/setup.js';
import { expectClose, type GoldenTensor, loadGolden } from './helpers.js';

/**
 * The conv2d kernels ops call (kernels/registered/) against PyTorch on both backends: 'js', the
 * TypeScript reference, and 'wasm', the WebAssembly kernels forced on every size.
 */

const FILES = ['conv2d_visible.json', 'conv2d_winograd.json'];
const f32 = (t: GoldenTensor) => Float32Array.from(t.data);

/**
 * Replays torch.nn.Conv2d: with padding_mode 'zeros' the padding goes to the conv; otherwise
 * F.pad(x, _reversed_padding_repeated_twice, mode) runs first and the conv gets no padding.
 */
function runCase(c: Conv2dCase, algorithm: Conv2dParams['algorithm'], winogradTile?: WinogradTile) {
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
    algorithm,
    winogradTile,
  };
  const mode = config.padding_mode as PadMode;
  const pads = [pl, pr, pt, pb];
  const x = f32(c.x);
  const w = f32(c.weight);
  const bias = c.bias ? f32(c.bias) : null;
  const gy = f32(c.gy);

  const padded = zeros ? { out: x, outShape: c.x.shape } : pad2d(x, c.x.shape, pads, mode);
  const { out: y, outShape } = conv2dForward(padded.out, padded.outShape, w, c.weight.shape, bias, params);
  const gPadded = conv2dBackwardInput(gy, c.gy.shape, w, c.weight.shape, padded.outShape, params);
  const gx = zeros ? gPadded : pad2dBackward(gPadded, padded.outShape, c.x.shape, pads, mode);
  const gw = conv2dBackwardWeight(padded.out, padded.outShape, gy, c.gy.shape, c.weight.shape, params);
  const gb = conv2dBackwardBias(gy, c.gy.shape);
  return { y, outShape, gx, gw, gb };
}

/**
 * The algorithms a case runs with: all three, and Winograd where it applies (3 x 3, stride and
 * dilation 1), with 2 x 2, 4 x 4 and 6 x 6 output tiles.
 */
function algorithms(c: Conv2dCase): Array<NonNullable<Conv2dParams['algorithm']>> {
  const { kernel_size: k, stride, dilation } = c.config;
  const winograd = [k, stride, dilation].every(
    (pair, i) => pair[0] === [3, 1, 1][i] && pair[1] === [3, 1, 1][i],
  );
  return winograd ? ['auto', 'im2col', 'direct', 'winograd'] : ['auto', 'im2col', 'direct'];
}

describe.each(BACKENDS)(
  'conv2d kernels on %s against PyTorch (float32, |a-b| <= 1e-4 + 1e-4|b|)',
  (backend) => {
    useBackend(backend);
    for (const file of FILES) {
      const { cases } = loadGolden<{ cases: Conv2dCase[] }>(file);
      cases.forEach((c, i) => {
        const { config } = c;
        const name =
          `${file} #${i} ${c.x.shape.join('x')} k=${JSON.stringify(config.kernel_size)} s=${JSON.stringify(config.stride)} ` +
          `p=${JSON.stringify(config.padding)} d=${JSON.stringify(config.dilation)} g=${config.groups} ` +
          `${config.padding_mode}`;
        type Run = { algorithm: Conv2dParams['algorithm']; tile?: WinogradTile };
        const runs = algorithms(c).flatMap((algorithm): Run[] =>
          algorithm === 'winograd'
            ? [
                { algorithm, tile: 2 },
                { algorithm, tile: 4 },
                { algorithm, tile: 6 },
              ]
            : [{ algorithm }],
        );
        for (const { algorithm, tile } of runs) {
          it(`${name} (${algorithm}${tile === undefined ? '' : ` F(${tile}x${tile})`})`, () =>
            onBackend(backend, () => {
              const r = runCase(c, algorithm, tile);
              expectClose(r.outShape, c.y.shape, `${name} y shape`, 0, 0);
              expectClose(r.y, c.y.data, `${name} y`);
              expectClose(r.gx, c.gx.data, `${name} gx`);
              expectClose(r.gw, c.gweight.data, `${name} gweight`);
              if (c.gbias) expectClose(r.gb, c.gbias.data, `${name} gbias`);
            }));
        }
      });
    }
  },
);
