import { Generator, MAX_ELEMENTS, rand, type Tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  DataLoader,
  decompress,
  defaultCollate,
  FashionMNIST,
  IdxImageDataset,
  MNIST,
  randperm,
  readIdx,
  TensorDataset,
} from '../src/index.js';
import { fakeDataset } from './helpers/idx.js';

// biome-ignore lint/suspicious/noExplicitAny: hostile callers pass anything
const any = (v: unknown) => v as any;

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

/** Found by the fuzz suite (fuzz.test.ts) under issue 17's strict rules: each names its function. */
describe('@fovea/data: faults the fuzz suite found', () => {
  it('the dataset constructors check their arguments instead of reading fields of undefined', () => {
    expect(() => new MNIST(any(undefined), any(undefined), [])).toThrow(
      "MNIST: argument 'images' must be a Uint8Array of pixels, got undefined",
    );
    expect(() => new FashionMNIST(new Uint8Array(784), Uint8Array.from([0]), any('x'))).toThrow(
      "FashionMNIST: argument 'classes' must be an array of class names",
    );
    expect(
      () => new IdxImageDataset(new Uint8Array(784), Uint8Array.from([0]), [], any({ transform: 1 })),
    ).toThrow("IdxImageDataset: argument 'transform' must be a function, got 1");
  });

  it('fromBytes and fromDirectory name themselves, and get describes any index', () => {
    expect(() => MNIST.fromBytes(any(undefined))).toThrow(
      /^MNIST\.fromBytes: argument 'files' must be an object/,
    );
    expect(() => FashionMNIST.fromBytes({ images: new Uint8Array(2), labels: new Uint8Array(2) })).toThrow(
      "FashionMNIST.fromBytes: 'train-images-idx3-ubyte' is too short for an IDX file",
    );
    expect(() => FashionMNIST.fromDirectory(any(undefined))).toThrow(
      /^FashionMNIST\.fromDirectory: argument 'directory' must be a non-empty string/,
    );
    const dataset = MNIST.fromBytes(fakeDataset(2));
    expect(() => dataset.get(any(Object.create(null)))).toThrow(
      'MNIST.get: index an object is out of range for a dataset of 2 samples',
    );
  });

  it('decompress rejects what is not bytes, under its own name', async () => {
    await expect(decompress(any(undefined))).rejects.toThrow(
      "decompress: argument 'bytes' must be a Uint8Array, got undefined",
    );
  });

  it('DataLoader checks its flags and collateFn', () => {
    const dataset = new TensorDataset(rand([4, 2]));
    expect(() => new DataLoader(dataset, any({ shuffle: 'yes' }))).toThrow(
      "DataLoader: argument 'shuffle' must be a boolean, got string 'yes'",
    );
    expect(() => new DataLoader(dataset, any({ collateFn: 1 }))).toThrow(
      "DataLoader: argument 'collateFn' must be a function, got 1",
    );
  });
});

describe('@fovea/data: defaultCollate of integers wider than int32', () => {
  it('is an error naming defaultCollate, not a wrap and not tensor', () => {
    expect(() => defaultCollate([1, -2728864497853097])).toThrow(
      'defaultCollate: integer -2728864497853097 cannot be converted to type int32 without overflow',
    );
    expect(Array.from((defaultCollate([1, 2]) as Tensor).dataSync())).toEqual([1, 2]);
  });
});

/** Found by the fuzz suite with seed 17 at `FUZZ_SCALE=10`. */
describe('@fovea/data: faults found by more seeds', () => {
  it("iterating checks the dataset's length, within MAX_ELEMENTS, and builds no order unshuffled", () => {
    const sized = (length: number) => ({ length, get: (i: number) => i });
    const [first] = new DataLoader(sized(MAX_ELEMENTS), { batchSize: 2 });
    expect(Array.from((first as Tensor).dataSync())).toEqual([0, 1]);
    expect(() => new DataLoader(sized(2 ** 55))).toThrow(
      "DataLoader: the dataset's length 36028797018963970 is more than the limit of 2147483647 samples",
    );
    const growing = {
      get length() {
        return (this.reads += 2 ** 54);
      },
      reads: 0,
      get: (i: number) => i,
    };
    growing.reads = -(2 ** 54) + 3;
    const loader = new DataLoader(growing);
    expect(() => [...loader]).toThrow(/^DataLoader: the dataset's length \d+ is more than the limit/);
    expect(Object.is(new DataLoader(sized(-0)).length, 0)).toBe(true);
  });

  it('defaultCollate of a sample that contains itself is an error, not a stack overflow', () => {
    const loop: unknown[] = [1];
    loop[0] = loop;
    expect(() => [...new DataLoader({ length: 1, get: () => loop })]).toThrow(
      'defaultCollate: samples nested deeper than 64 levels (or a sample that contains itself)',
    );
  });

  it("an error the dataset's get throws passes through unchanged, as in PyTorch", () => {
    const mine = new Error('my dataset failed');
    const loader = new DataLoader({
      length: 2,
      get: () => {
        throw mine;
      },
    });
    expect(() => [...loader]).toThrow(mine);
  });

  it("readIdx's name must be a string: it is written into every message", () => {
    expect(() => readIdx(new Uint8Array(4), any({ name: [Object.create(null)] }))).toThrow(
      "readIdx: argument 'name' must be a string, got an array of length 1",
    );
  });
});
