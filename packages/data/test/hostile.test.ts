import { Generator } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader, defaultCollate, randperm } from '../src/index.js';

/** Cases the issue-17 fuzz suite found in @fovea/data. */

describe('@fovea/data under hostile input', () => {
  it('randperm(2**31) fails at once instead of filling 8 GB for half a minute', () => {
    const started = performance.now();
    expect(() => randperm(2 ** 31, new Generator())).toThrow(
      'randperm: a tensor of 2147483648 elements is too large (the limit is 2147483647)',
    );
    expect(performance.now() - started).toBeLessThan(100);
    expect(() => randperm(1.5, new Generator())).toThrow(
      "randperm: argument 'n' must be an integer >= 0, got 1.5",
    );
  });

  it('DataLoader with null options and defaultCollate of a non-array', () => {
    expect(() => new DataLoader({ length: 0, get: () => 0 } as never, null as never)).not.toThrow();
    expect(() => defaultCollate(undefined as never)).toThrow(
      "defaultCollate: argument 'batch' must be an array, got undefined",
    );
  });
});
