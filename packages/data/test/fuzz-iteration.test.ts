import { Generator, rand, tensor } from '@fovea/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCall, SCALE, SEED } from '../../tensor/test/fuzz/harness.js';
import { argument } from '../../tensor/test/fuzz/values.js';
import { DataLoader, TensorDataset } from '../src/index.js';

/**
 * Issue 17's fuzz suite over iterating a DataLoader, which fuzz.test.ts does not do: a loader
 * built from hostile options and a hostile dataset (any `length`, a `get` that returns arbitrary
 * values, a collate function that returns them) is iterated for up to three batches. Iterating
 * must yield batches or throw an error naming `DataLoader` or `defaultCollate` (the collate
 * function that ran), within the rules of tensor's test/fuzz/harness.ts. The callbacks here
 * never throw: an error a user's `get` or collate throws is theirs and passes through unchanged
 * (hostile.test.ts shows it).
 */

/** How many batches a case iterates: enough for a last, short batch and a second epoch's order. */
const BATCHES = 3;

const lengths = fc.oneof(fc.integer({ min: 0, max: 5 }), argument());

/** Samples that broke collation elsewhere: cycles, deep nesting, tensors that do not stack. */
const hostileSample = fc
  .constantFrom(
    () => {
      const loop: unknown[] = [1];
      loop[0] = loop;
      return loop;
    },
    () => {
      const loop: Record<string, unknown> = {};
      loop.self = loop;
      return loop;
    },
    () => Array.from({ length: 10_000 }).reduce<unknown>((inner) => [inner], 1),
    () => rand([2]),
    () => rand([3]),
    () => tensor([1, 2], { dtype: 'int32' }),
    () => tensor([true, false]),
    () => ({ x: rand([2]) }),
    () => [rand([2]), 1],
  )
  .map((make) => make());

/** A dataset whose `get(i)` returns `samples[i % samples.length]`, whatever they are. */
const hostileDataset = fc
  .record({
    length: lengths,
    samples: fc.array(fc.oneof(argument(), hostileSample), { minLength: 1, maxLength: 4 }),
  })
  .map(({ length, samples }) => ({ length, get: (i: number) => samples[i % samples.length] }));

/** Datasets of samples that collate: tensors of one shape, numbers, tuples of both. */
const validDataset = fc
  .constantFrom(
    () => new TensorDataset(rand([5, 2]), rand([5])),
    () => ({ length: 4, get: (i: number) => [i, i * 0.5] }),
    () => ({ length: 3, get: (i: number) => ({ x: rand([2]), y: i }) }),
  )
  .map((make) => make());

const collateFns = fc.constantFrom(
  (batch: unknown[]) => batch,
  (batch: unknown[]) => batch.length,
  () => undefined,
);

const options = fc.oneof(
  argument(),
  fc.record(
    {
      batchSize: fc.oneof(fc.integer({ min: 1, max: 3 }), argument()),
      shuffle: fc.oneof(fc.boolean(), argument()),
      dropLast: fc.oneof(fc.boolean(), argument()),
      generator: fc.oneof(
        fc.constant(undefined),
        fc.nat().map((seed) => new Generator(seed)),
      ),
      collateFn: fc.oneof(fc.constant(undefined), collateFns, argument()),
    },
    { requiredKeys: [] },
  ),
);

describe('fuzz: iterating a DataLoader', () => {
  it('yields batches or names DataLoader or defaultCollate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileDataset, validDataset, argument()), options, async (dataset, o) => {
        const loader = (await checkCall(
          { call: 'new DataLoader' },
          [dataset, o],
          () => new DataLoader(dataset as never, o as never),
        )) as DataLoader | undefined;
        if (loader === undefined) return;
        const rule = { call: 'DataLoader', aliases: ['defaultCollate'] };
        const batches = (await checkCall(rule, [dataset, o], () => {
          const out: unknown[] = [];
          for (const batch of loader) {
            out.push(batch);
            if (out.length === BATCHES) break;
          }
          return out;
        })) as unknown[] | undefined;
        // An epoch that ended by itself had as many batches as the loader says.
        if (batches !== undefined && batches.length < BATCHES) expect(batches.length).toBe(loader.length);
      }),
      { seed: SEED, numRuns: 200 * SCALE, includeErrorInReport: true },
    );
  });
});
