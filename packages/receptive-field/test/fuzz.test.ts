import { Conv2d, MaxPool2d, ReLU, Sequential } from '@fovea/nn';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzModule } from '../../tensor/test/fuzz/harness.js';
import * as rf from '../src/index.js';

/** Issue 17's fuzz suite over every export of @fovea/receptive-field (see tensor's test/fuzz/harness.ts). */

/** Valid values of @fovea/receptive-field, so that calls get past the first check. */
const valid = [
  fc
    .constantFrom(
      () => new Sequential(new Conv2d(1, 2, 3), new ReLU(), new MaxPool2d(2)),
      () => [
        { type: 'conv', kernel: 3 },
        { type: 'pool', kernel: 2, stride: 2 },
      ],
      () => rf.analyzeLayers([{ type: 'conv', kernel: 3 }], 8),
      () => [1, 1, 8, 8],
      () => ({ width: 2, height: 1, data: new Uint8ClampedArray(8) }),
      () => new Float32Array(16),
    )
    .map((make) => make()),
];

describe('fuzz: @fovea/receptive-field', () => {
  it.each(fuzzModule(rf as Record<string, unknown>, { runs: 60, valid }))('%s', (_, run) => run());
});
