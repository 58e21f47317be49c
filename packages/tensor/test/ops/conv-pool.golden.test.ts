import type { Conv2dCase, Pool2dCase } from '@fovea/golden';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/index.js';
import { avgPool2d, conv2d, maxPool2d, pad, type Tensor, tensor, traceKernels } from '../../src/index.js';
import { expectClose, type GoldenTensor, loadGolden } from '../kernels/helpers.js';
import { useBackend } from '../wasm/setup.js';
import { specBackends } from '../webgpu/gpu.js';

// The differentiable ops against PyTorch's numbers: forward through `conv2d` (and `pad` for
// the non-zero padding modes, as nn.Conv2d does), backward through autograd with the recorded
// upstream gradient, on every backend (WebAssembly forced on every size; on 'webgpu' the
// tensors live on the GPU, every kernel must run there, and values are read back with
// `await dataAsync()`). Tolerance |a - b| <= 1e-4 + 1e-4 |b| (float32 arithmetic).

const BACKENDS = await specBackends('the conv and pool golden ops');
const deviceOf = (backend: Backend) => (backend === 'webgpu' ? 'webgpu' : 'cpu');
const leaf = (g: GoldenTensor, backend: Backend): Tensor =>
  tensor(Float32Array.from(g.data), { device: deviceOf(backend) })
    .reshape(g.shape)
    .detach()
    .requiresGrad_();
const constant = (g: GoldenTensor, backend: Backend): Tensor =>
  tensor(Float32Array.from(g.data), { device: deviceOf(backend) }).reshape(g.shape);

/** Runs `step` traced; on 'webgpu', expects every kernel to have run on the GPU. */
function onDevice<T>(backend: Backend, step: () => T): T {
  const { result, kernels } = traceKernels(step);
  if (backend === 'webgpu') expect(kernels.filter((k) => k.backend !== 'webgpu')).toEqual([]);
  return result;
}

/** nn.Conv2d's `_reversed_padding_repeated_twice`: [left, right, top, bottom]. */
function reversedPadding(c: Conv2dCase['config']): number[] {
  if (c.padding === 'valid') return [0, 0, 0, 0];
  if (c.padding === 'same') {
    const split = (k: number, d: number) => {
      const total = d * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    return [...split(c.kernel_size[1], c.dilation[1]), ...split(c.kernel_size[0], c.dilation[0])];
  }
  const [ph, pw] = typeof c.padding === 'number' ? [c.padding, c.padding] : c.padding;
  return [pw, pw, ph, ph];
}

describe.each(BACKENDS)(
  'conv2d op on %s against PyTorch (conv2d_visible.json, conv2d_winograd.json)',
  (backend) => {
    useBackend(backend);
    const cases = ['conv2d_visible.json', 'conv2d_winograd.json'].flatMap((file) =>
      loadGolden<{ cases: Conv2dCase[] }>(file).cases.map((k, index) => ({ ...k, file, index })),
    );
    cases.forEach((k) => {
      const c = k.config;
      it(`${k.file} case ${k.index}: kernel ${c.kernel_size} stride ${c.stride} padding ${JSON.stringify(c.padding)} dilation ${c.dilation} groups ${c.groups} ${c.padding_mode}`, async () => {
        const x = leaf(k.x, backend);
        const w = leaf(k.weight, backend);
        const b = c.bias && k.bias ? leaf(k.bias, backend) : null;
        const options = { stride: c.stride, dilation: c.dilation, groups: c.groups };
        const y = onDevice(backend, () => {
          const out =
            c.padding_mode === 'zeros'
              ? conv2d(x, w, b, { ...options, padding: c.padding })
              : conv2d(pad(x, reversedPadding(c), c.padding_mode), w, b, { ...options, padding: 0 });
          out.backward(constant(k.gy, backend));
          return out;
        });
        expect(y.shape).toEqual(k.y.shape);
        expectClose(await y.dataAsync(), k.y.data, 'y');
        expectClose(await x.grad!.dataAsync(), k.gx.data, 'gx');
        expectClose(await w.grad!.dataAsync(), k.gweight.data, 'gweight');
        if (b) expectClose(await b.grad!.dataAsync(), k.gbias!.data, 'gbias');
      });
    });
  },
);

describe.each(BACKENDS)('pooling ops on %s against PyTorch (pool2d_visible.json)', (backend) => {
  useBackend(backend);
  const { cases } = loadGolden<{ cases: Pool2dCase[] }>('pool2d_visible.json');
  cases.forEach((k, i) => {
    const c = k.config;
    it(`case ${i}: ${c.kind} kernel ${c.kernel_size} stride ${c.stride} padding ${c.padding} ceil ${c.ceil_mode}`, async () => {
      const x = leaf(k.x, backend);
      const pool = () =>
        c.kind === 'max'
          ? maxPool2d(x, c.kernel_size, {
              stride: c.stride,
              padding: c.padding,
              dilation: c.dilation,
              ceilMode: c.ceil_mode,
            })
          : avgPool2d(x, c.kernel_size, {
              stride: c.stride,
              padding: c.padding,
              ceilMode: c.ceil_mode,
              countIncludePad: c.count_include_pad,
            });
      const y = onDevice(backend, () => {
        const out = pool();
        out.backward(constant(k.gy, backend));
        return out;
      });
      expect(y.shape).toEqual(k.y.shape);
      expectClose(await y.dataAsync(), k.y.data, 'y');
      expectClose(await x.grad!.dataAsync(), k.gx.data, 'gx');
    });
  });
});
