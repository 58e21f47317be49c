import { Generator, rand } from '@fovea/tensor';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzModule } from '../../tensor/test/fuzz/harness.js';
import * as data from '../src/index.js';
import { fakeDataset } from './helpers/idx.js';

/**
 * Issue 17's fuzz suite over every export of @fovea/data (see tensor's test/fuzz/harness.ts).
 * Iterating a DataLoader (hostile datasets, options and collate functions) is fuzzed in
 * fuzz-iteration.test.ts.
 */

/** Valid values of @fovea/data, so that calls get past the first check: IDX files, datasets. */
const valid = [
  fc
    .constantFrom(
      () => fakeDataset(2),
      () => fakeDataset(2).images,
      () => new data.TensorDataset(rand([4, 2]), rand([4])),
      () => new Generator(1),
      () => new Uint8Array(784 * 2),
      () => Uint8Array.from([0, 1]),
      () => ['a', 'b'],
    )
    .map((make) => make()),
];

/** A valid instance of each class, whose methods are fuzzed when the fuzzed constructor fails. */
const instances = {
  TensorDataset: () => new data.TensorDataset(rand([4, 2]), rand([4])),
  Subset: () => new data.Subset(new data.TensorDataset(rand([4, 2])), [3, 0]),
  DataLoader: () => new data.DataLoader(new data.TensorDataset(rand([4, 2])), { batchSize: 2 }),
  MNIST: () => data.MNIST.fromBytes(fakeDataset(2)),
  FashionMNIST: () => data.FashionMNIST.fromBytes(fakeDataset(2)),
};

describe('fuzz: @fovea/data', () => {
  const options = {
    runs: 60,
    valid,
    instances,
    methods: ['get', 'getItems'],
    statics: ['fromBytes', 'fromDirectory'],
  };
  it.each(fuzzModule(data as Record<string, unknown>, options))('%s', (_, run) => run());
});
