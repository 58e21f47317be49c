import { AvgPool2d, MaxPool2d, type Module, Sequential } from '@fovea/nn';
import { manualSeed, randn, type Tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '../src/index.js';
import { decodeModel } from '../src/schema/proto.js';
import { worstRatio } from './helpers.js';
import {
  DirectParameters,
  lenet,
  MobileBlock,
  randomizeBatchNorm,
  resnet18Style,
  softmaxClassifier,
} from './models.js';
import { runInOnnxRuntime } from './onnxruntime.js';

// ONNX Runtime and Fovea both compute in float32, in different orders: |a - b| <= 1e-5 + 1e-5 |b|.
const ATOL = 1e-5;
const RTOL = 1e-5;

const cases: { name: string; make: () => Module; shape: number[] }[] = [
  { name: 'LeNet', make: lenet, shape: [3, 1, 28, 28] },
  { name: 'a ResNet-18-style network', make: () => resnet18Style(), shape: [2, 3, 64, 64] },
  { name: 'a MobileNet-style block', make: () => new MobileBlock(), shape: [2, 3, 16, 16] },
  { name: 'a classifier ending in Softmax', make: softmaxClassifier, shape: [2, 1, 8, 8] },
  { name: 'a model using its parameters directly', make: () => new DirectParameters(), shape: [2, 1, 8, 8] },
];

function seeded(make: () => Module): Module {
  manualSeed(0);
  const model = make();
  randomizeBatchNorm(model);
  return model.eval();
}

describe('exportOnnx runs in onnxruntime-node with Fovea outputs', () => {
  for (const { name, make, shape } of cases) {
    it(`${name}, at opset 17 with a dynamic batch`, async () => {
      const model = seeded(make);
      manualSeed(1);
      const x = randn(shape);
      const expected = model.forward(x) as Tensor;
      const bytes = exportOnnx(model, x);
      const out = await runInOnnxRuntime(bytes, x);
      expect(out.dims).toEqual(expected.shape);
      expect(worstRatio(out.data, expected.dataSync() as Float32Array, ATOL, RTOL)).toBeLessThanOrEqual(1);
      // Another batch size through the same file.
      const wider = randn([shape[0] + 2, ...shape.slice(1)]);
      const again = await runInOnnxRuntime(bytes, wider);
      const widerExpected = model.forward(wider) as Tensor;
      expect(
        worstRatio(again.data, widerExpected.dataSync() as Float32Array, ATOL, RTOL),
      ).toBeLessThanOrEqual(1);
    });

    it(`${name}: Fovea -> ONNX -> Fovea is exact`, () => {
      const model = seeded(make);
      manualSeed(2);
      const x = randn(shape);
      const imported = importOnnx(exportOnnx(model, x)).eval();
      const a = (model.forward(x) as Tensor).dataSync();
      const b = (imported.forward(x) as Tensor).dataSync();
      expect(Array.from(b)).toEqual(Array.from(a));
    });
  }

  it('writes opsets 13 to 17, names the input and output as asked and keeps a fixed batch', async () => {
    for (const make of [lenet, () => new MobileBlock()]) {
      const model = seeded(make);
      const x = randn(make === lenet ? [1, 1, 28, 28] : [1, 3, 16, 16]);
      const expected = (model.forward(x) as Tensor).dataSync() as Float32Array;
      for (const opset of [13, 14, 15, 16, 17]) {
        const options = { opset, dynamicBatch: false, inputNames: ['image'], outputNames: ['logits'] };
        const out = await runInOnnxRuntime(exportOnnx(model, x, options), x, {
          input: 'image',
          output: 'logits',
        });
        expect(worstRatio(out.data, expected, ATOL, RTOL), `opset ${opset}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('ceil-mode pooling whose last window PyTorch drops has PyTorch sizes and values in ONNX Runtime', async () => {
    const pools = [
      new MaxPool2d(2, { stride: 2, padding: 1, ceilMode: true }),
      new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
      new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
      new MaxPool2d(3, { stride: 2, ceilMode: true }),
    ];
    for (const pool of pools) {
      const net = new Sequential(pool);
      const x = randn([1, 2, 5, 6]);
      const expected = net.forward(x) as Tensor;
      const out = await runInOnnxRuntime(exportOnnx(net, x), x);
      expect(out.dims, String(pool)).toEqual(expected.shape);
      expect(
        worstRatio(out.data, expected.dataSync() as Float32Array, ATOL, RTOL),
        String(pool),
      ).toBeLessThanOrEqual(1);
    }
  });

  it('writes ceil_mode 1 only where PyTorch keeps a window that floor mode leaves out', () => {
    const ceilAttribute = (pool: Module, shape: number[]) => {
      const node = decodeModel(exportOnnx(new Sequential(pool), randn(shape))).graph!.node![0];
      return Number(node.attribute!.find((a) => a.name === 'ceil_mode')!.i);
    };
    // 5 + 2 - 2 = 5 over stride 2: ceil adds a window starting in the padding, which PyTorch drops.
    expect(ceilAttribute(new MaxPool2d(2, { stride: 2, padding: 1, ceilMode: true }), [1, 1, 5, 5])).toBe(0);
    // 5 - 2 = 3 over stride 2: the extra window starts inside the input and PyTorch keeps it.
    expect(ceilAttribute(new MaxPool2d(2, { stride: 2, ceilMode: true }), [1, 1, 5, 5])).toBe(1);
  });

  it('names parameters used directly after themselves, in layers named after their ops', () => {
    const model = seeded(() => new DirectParameters());
    const imported = importOnnx(exportOnnx(model, randn([1, 1, 8, 8])));
    expect(imported.namedParameters().map(([name]) => name)).toEqual([
      'conv.weight',
      'conv.bias',
      'mul0.scale',
      'matmul0.weight',
      'add0.shift',
    ]);
  });

  it('leaves the model in the mode and with the parameters it had', () => {
    const model = seeded(lenet).train();
    const before = model.stateDict();
    exportOnnx(model, randn([1, 1, 28, 28]));
    expect(model.training).toBe(true);
    expect(model.modules().every((m) => m.training)).toBe(true);
    for (const [key, value] of Object.entries(model.stateDict())) {
      expect(Array.from(value.dataSync()), key).toEqual(Array.from(before[key].dataSync()));
    }
    expect(Object.getOwnPropertyNames(model.modules()[8])).not.toContain('forward');
  });
});
