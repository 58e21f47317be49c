import { CrossEntropyLoss, deserialize, serialize } from '@fovea/nn';
import { SGD } from '@fovea/optim';
import { manualSeed, randint, randn, type Tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { goldenCase, modelBytes, onnxGolden } from './helpers.js';

describe('imported ONNX models fine-tune', () => {
  for (const c of onnxGolden) {
    it(`${c.name}: gradients reach every imported weight and SGD lowers the loss`, () => {
      const model = importOnnx(modelBytes(c)).train();
      manualSeed(3);
      const [n, ...rest] = c.input.shape;
      const x = randn([Math.max(n, 4), ...rest]);
      const classes = (model.forward(x) as Tensor).shape[1];
      const y = randint(0, classes, [x.shape[0]]);
      const lossFn = new CrossEntropyLoss();
      const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const losses: number[] = [];
      for (let step = 0; step < 8; step++) {
        optimizer.zeroGrad();
        const loss = lossFn.forward(model.forward(x) as Tensor, y);
        loss.backward();
        if (step === 0) {
          for (const [name, p] of model.namedParameters()) {
            expect(p.grad, name).not.toBeNull();
            expect((p.grad!.abs().sum().item() as number) > 0, `${name} has a zero gradient`).toBe(true);
          }
        }
        optimizer.step();
        losses.push(loss.item() as number);
      }
      expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.8);
    });
  }

  it('a fine-tuned model saves with serialize and loads into a fresh import', () => {
    const c = goldenCase('tiny_resnet_bn');
    const model = importOnnx(modelBytes(c)).train();
    const x = randn([4, 3, 16, 16]);
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    (model.forward(x) as Tensor).sum().backward();
    optimizer.step();
    model.eval();
    const bytes = serialize(model.stateDict());
    const fresh = importOnnx(modelBytes(c)).eval();
    fresh.loadStateDict(deserialize(bytes));
    expect(Array.from((fresh.forward(x) as Tensor).dataSync())).toEqual(
      Array.from((model.forward(x) as Tensor).dataSync()),
    );
  });
});
