import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@fovea/nn';
import { rand } from '@fovea/tensor';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzModule } from '../../tensor/test/fuzz/harness.js';
import * as onnx from '../src/index.js';
import { goldenCase, modelBytes } from './helpers.js';

/** Issue 17's fuzz suite over every export of @fovea/onnx (see tensor's test/fuzz/harness.ts). */

const small = () =>
  new Sequential(new Conv2d(1, 2, 3), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(2, 3));
/** Valid models: PyTorch's LeNet (from the golden data) and one of Fovea's own. */
const models = [modelBytes(goldenCase('lenet')), onnx.exportOnnx(small(), rand([1, 1, 4, 4]))];

/**
 * Hostile ONNX bytes: a valid model with bytes overwritten, cut short, or spliced with random
 * bytes, and random bytes alone.
 */
const hostileBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...models),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
    )
    .map(([model, writes]) => {
      const bytes = model.slice();
      for (const [at, value] of writes) bytes[at % bytes.length] = value;
      return bytes;
    }),
  fc.tuple(fc.constantFrom(...models), fc.nat()).map(([model, cut]) => model.subarray(0, cut % model.length)),
  fc
    .tuple(fc.constantFrom(...models), fc.nat(), fc.uint8Array({ maxLength: 32 }))
    .map(([model, at, insert]) => {
      const i = at % model.length;
      return Uint8Array.from([...model.subarray(0, i), ...insert, ...model.subarray(i)]);
    }),
  fc.uint8Array({ maxLength: 64 }),
);

/** Valid values of @fovea/onnx, so that calls get past the first check: models, inputs, bytes. */
const valid = [
  hostileBytes,
  fc.constantFrom(...models),
  fc
    .constantFrom(
      small,
      () => rand([1, 1, 28, 28]),
      () => rand([1, 1, 4, 4]),
    )
    .map((make) => make()),
];

/** A model's run reports the layer that failed inside it, as PyTorch's does. */
const instances = { OnnxModel: () => onnx.importOnnx(models[1]) };

describe('fuzz: @fovea/onnx', () => {
  it.each(fuzzModule(onnx as Record<string, unknown>, { runs: 60, valid, instances, methods: ['forward'] }))(
    '%s',
    (_, run) => run(),
  );
});
