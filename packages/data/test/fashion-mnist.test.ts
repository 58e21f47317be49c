import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataLoader, FashionMNIST, MNIST, normalize, readIdx } from '@fovea/data';
import { Generator, type Tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { FashionMNIST as BrowserFashionMNIST } from '../src/browser.js';
import { DEBIAN_DIR, fakeDataset, HAS_FULL_SET, idxBytes, SUBSET_DIR } from './helpers/idx.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'fovea-data-'));

/** A folder holding `files` (name -> bytes). */
function folder(files: Record<string, Uint8Array>): string {
  const dir = tempDir();
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

describe('FashionMNIST', () => {
  it.skipIf(!HAS_FULL_SET)("reads Debian's full set: 60,000 train and 10,000 test images", () => {
    const train = FashionMNIST.fromDirectory(DEBIAN_DIR, { split: 'train' });
    const test = FashionMNIST.fromDirectory(DEBIAN_DIR, { split: 'test' });
    expect([train.length, test.length]).toEqual([60000, 10000]);
    const [x, y] = train.get(0);
    expect([x.shape, x.dtype, typeof y]).toEqual([[1, 28, 28], 'float32', 'number']);
    // the first training image of Fashion-MNIST is an ankle boot
    expect(FashionMNIST.classes[y]).toBe('Ankle boot');
  });

  it('reads the embedded subset; images are float32 [1, 28, 28] in [0, 1], labels integers', () => {
    const train = FashionMNIST.fromDirectory(SUBSET_DIR, { split: 'train' });
    expect(train.length).toBe(5000);
    const raw = readIdx(readFileSync(join(SUBSET_DIR, 'train-images-idx3-ubyte.gz'))).data;
    const [x, y] = train.get(7);
    expect(x.shape).toEqual([1, 28, 28]);
    const pixels = x.dataSync();
    for (let k = 0; k < 784; k++) expect(pixels[k]).toBe(Math.fround(raw[7 * 784 + k] / 255));
    expect(Number.isInteger(y) && y >= 0 && y < 10).toBe(true);
    expect(train.get(-1)[1]).toBe(train.labels[4999]);
  });

  it('reads raw (uncompressed) files too, and fromBytes anywhere', () => {
    const { images, labels } = fakeDataset(3);
    const dir = folder({ 't10k-images-idx3-ubyte': images, 't10k-labels-idx1-ubyte': labels });
    const test = FashionMNIST.fromDirectory(dir, { split: 'test' });
    expect(test.length).toBe(3);
    expect(test.get(2)[0].dataSync()[0]).toBe(Math.fround(2 / 255));
    const fromBytes = FashionMNIST.fromBytes({ images: gzipSync(images), labels });
    expect(fromBytes.get(1)[1]).toBe(1);
    expect(fromBytes).toBeInstanceOf(FashionMNIST);
    expect(MNIST.fromBytes({ images, labels })).toBeInstanceOf(MNIST);
  });

  it('applies transform and targetTransform as it reads', () => {
    const { images, labels } = fakeDataset(2);
    const data = FashionMNIST.fromBytes(
      { images, labels },
      { transform: (x) => normalize(x, 0.5, 0.5), targetTransform: (y) => 9 - y },
    );
    const [x, y] = data.get(1);
    expect(y).toBe(8);
    expect(x.dataSync()[0]).toBeCloseTo((1 / 255 - 0.5) / 0.5, 6);
  });

  it('batches through a DataLoader: 5000 images in 20 batches of 256, the last of 136', () => {
    const train = FashionMNIST.fromDirectory(SUBSET_DIR, { split: 'train' });
    const loader = new DataLoader(train, { batchSize: 256, shuffle: true, generator: new Generator(0) });
    expect(loader.length).toBe(20);
    const shapes = [...loader].map((batch) => (batch as Tensor[]).map((t) => [t.dtype, ...t.shape]));
    expect(shapes[0]).toEqual([
      ['float32', 256, 1, 28, 28],
      ['int32', 256],
    ]);
    expect(shapes[19]).toEqual([
      ['float32', 136, 1, 28, 28],
      ['int32', 136],
    ]);
  });

  it('names the folder or file and the problem when the data is missing or corrupt', () => {
    const { images, labels } = fakeDataset(4);
    const missing = join(tempDir(), 'nowhere');
    const noLabels = folder({ 'train-images-idx3-ubyte.gz': gzipSync(images) });
    const truncated = folder({
      'train-images-idx3-ubyte.gz': gzipSync(images.subarray(0, 1000)),
      'train-labels-idx1-ubyte.gz': gzipSync(labels),
    });
    const badMagic = images.slice();
    badMagic[1] = 7;
    const wrongMagic = folder({ 'train-images-idx3-ubyte': badMagic, 'train-labels-idx1-ubyte': labels });
    const corruptGzip = folder({
      'train-images-idx3-ubyte.gz': gzipSync(images).subarray(0, 50),
      'train-labels-idx1-ubyte.gz': gzipSync(labels),
    });
    const counts = folder({
      'train-images-idx3-ubyte': images,
      'train-labels-idx1-ubyte': fakeDataset(3).labels,
    });
    const dims = folder({
      'train-images-idx3-ubyte': idxBytes(8, [4, 28, 27]),
      'train-labels-idx1-ubyte': labels,
    });
    const swapped = folder({ 'train-images-idx3-ubyte': labels, 'train-labels-idx1-ubyte': images });
    const badLabel = folder({
      'train-images-idx3-ubyte': images,
      'train-labels-idx1-ubyte': idxBytes(8, [4], Uint8Array.from([0, 1, 12, 3])),
    });
    const cases: [string, string][] = [
      [
        missing,
        `FashionMNIST.fromDirectory: no folder '${missing}' (Debian: apt-get install dataset-fashion-mnist`,
      ],
      [
        noLabels,
        `FashionMNIST.fromDirectory: '${noLabels}' has neither train-labels-idx1-ubyte.gz nor train-labels-idx1-ubyte`,
      ],
      [
        truncated,
        `FashionMNIST.fromDirectory: '${join(truncated, 'train-images-idx3-ubyte.gz')}' is truncated: dims [4, 28, 28] of ubyte need 3152 bytes, the file has 1000`,
      ],
      [
        wrongMagic,
        `FashionMNIST.fromDirectory: '${join(wrongMagic, 'train-images-idx3-ubyte')}' is not an IDX file: bad magic number 0x00 0x07`,
      ],
      [
        corruptGzip,
        `FashionMNIST.fromDirectory: '${join(corruptGzip, 'train-images-idx3-ubyte.gz')}' is a corrupt gzip file`,
      ],
      [
        counts,
        `FashionMNIST.fromDirectory: '${join(counts, 'train-images-idx3-ubyte')}' has 4 images but '${join(counts, 'train-labels-idx1-ubyte')}' has 3 labels`,
      ],
      [
        dims,
        `FashionMNIST.fromDirectory: '${join(dims, 'train-images-idx3-ubyte')}' is not an image file: expected unsigned bytes of shape [N, 28, 28], got Uint8Array [4, 28, 27]`,
      ],
      [
        swapped,
        `FashionMNIST.fromDirectory: '${join(swapped, 'train-images-idx3-ubyte')}' is not an image file`,
      ],
      [
        badLabel,
        `FashionMNIST.fromDirectory: '${join(badLabel, 'train-labels-idx1-ubyte')}' has label 12 at index 2; labels must be in 0..9`,
      ],
    ];
    for (const [dir, message] of cases) {
      expect(() => FashionMNIST.fromDirectory(dir, { split: 'train' }), dir).toThrow(message);
    }
  });

  it('a folder where a file should be, and a bad split, are clear errors too', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'train-images-idx3-ubyte.gz'));
    expect(() => FashionMNIST.fromDirectory(dir)).toThrow(
      `cannot read '${join(dir, 'train-images-idx3-ubyte.gz')}': it is a folder`,
    );
    expect(() => FashionMNIST.fromDirectory(dir, { split: 'val' as 'train' })).toThrow(
      "FashionMNIST.fromDirectory: split must be 'train' or 'test', got 'val'",
    );
    const data = FashionMNIST.fromBytes(fakeDataset(2));
    expect(() => data.get(2)).toThrow('FashionMNIST.get: index 2 is out of range for a dataset of 2 samples');
  });

  it("the browser's fromDirectory says to fetch the files and call fromBytes", () => {
    expect(() => BrowserFashionMNIST.fromDirectory('/data')).toThrow(
      "FashionMNIST.fromDirectory: reading '/data' needs Node.js; elsewhere fetch the files and call FashionMNIST.fromBytes",
    );
    const { images, labels } = fakeDataset(2);
    expect(BrowserFashionMNIST.fromBytes({ images, labels }).length).toBe(2);
  });
});

describe('normalize', () => {
  it('is (x - mean[c]) / std[c] per channel, on an image or a batch', () => {
    const { images, labels } = fakeDataset(1);
    const [x] = FashionMNIST.fromBytes({ images, labels }).get(0);
    const out = normalize(x, [0.286], [0.353]).dataSync();
    const input = x.dataSync();
    for (let k = 0; k < 784; k += 97) expect(out[k]).toBeCloseTo((input[k] - 0.286) / 0.353, 5);
    const batch = normalize(x.reshape([1, 1, 28, 28]), 0.5, 2);
    expect(batch.shape).toEqual([1, 1, 28, 28]);
  });

  it('names a mismatch of channels, a zero std and a wrong rank', () => {
    const x = FashionMNIST.fromBytes(fakeDataset(1)).get(0)[0];
    expect(() => normalize(x, [0.1, 0.2], 1)).toThrow(
      'normalize: mean has 2 values but the image has 1 channels ([1, 28, 28])',
    );
    expect(() => normalize(x, 0, 0)).toThrow('normalize: std must not be zero, got [0]');
    expect(() => normalize(x.reshape([784]), 0, 1)).toThrow(
      'normalize: expected an image [C, H, W] or a batch [N, C, H, W], got [784]',
    );
  });
});
