import { CrossEntropyLoss } from '@fovea/nn';
import { type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { fromGolden, goldenCase, modelBytes, onnxGolden, worstRatio } from './helpers.js';

// PyTorch computes in float32 too, summing in another order: |a - b| <= 1e-5 + 1e-4 |b|.
const ATOL = 1e-5;
const RTOL = 1e-4;

describe('importOnnx on models exported by torch.onnx.export (tooling/golden/make/onnx_models.py)', () => {
  for (const c of onnxGolden) {
    it(`${c.name} (opset ${c.opset}) gives PyTorch's logits`, () => {
      const model = importOnnx(modelBytes(c)).eval();
      const logits = model.forward(fromGolden(c.input)) as Tensor;
      expect(logits.shape).toEqual(c.logits.shape);
      expect(worstRatio(logits.dataSync() as Float32Array, c.logits.data, ATOL, RTOL)).toBeLessThanOrEqual(1);
    });
  }

  it("names LeNet's parameters by PyTorch's state-dict keys and gives PyTorch's gradients", () => {
    const c = goldenCase('lenet');
    const model = importOnnx(modelBytes(c));
    const names = model.namedParameters().map(([name]) => name);
    expect(names).toEqual(Object.keys(c.grads!));
    const loss = new CrossEntropyLoss().forward(
      model.forward(fromGolden(c.input)) as Tensor,
      tensor(c.target!, { dtype: 'int32' }),
    );
    expect(Math.abs(Number(loss.item()) - c.loss!)).toBeLessThanOrEqual(ATOL + RTOL * Math.abs(c.loss!));
    loss.backward();
    for (const [name, p] of model.namedParameters()) {
      const expected = c.grads![name];
      expect(p.grad?.shape, name).toEqual(expected.shape);
      expect(
        worstRatio(p.grad!.dataSync() as Float32Array, expected.data, ATOL, RTOL),
        name,
      ).toBeLessThanOrEqual(1);
    }
  });

  it('names folded layers after the module scopes of their nodes', () => {
    const model = importOnnx(modelBytes(goldenCase('tiny_resnet')));
    const names = model.namedParameters().map(([name]) => name);
    expect(names).toContain('layer1.1.downsample.0.weight');
    expect(names).toContain('layer1.0.conv2.bias');
    expect(names).toContain('fc.weight');
  });

  it('keeps batch norm layers with their running statistics as buffers', () => {
    const model = importOnnx(modelBytes(goldenCase('tiny_resnet_bn')));
    const keys = Object.keys(model.stateDict());
    expect(keys).toContain('layer1.1.downsample.1.running_var');
    expect(keys).toContain('bn1.weight');
  });
});
