import { describe, it } from 'vitest';
import { fuzzModule } from '../../tensor/test/fuzz/harness.js';
import * as data from '../src/index.js';

/** Issue 17's fuzz suite over every export of @fovea/data (see tensor's test/fuzz/harness.ts). */

/**
 * Still failing the fuzz rules (issue 17, not done): the dataset constructors read a non-object
 * argument's fields (`new MNIST()` throws a TypeError from inside).
 */
const NOT_YET = new Set(['FashionMNIST', 'MNIST', 'IdxImageDataset']);

describe('fuzz: @fovea/data', () => {
  it.each(fuzzModule(data as Record<string, unknown>, { runs: 60, skip: NOT_YET }))('%s', (_, run) => run());
});
