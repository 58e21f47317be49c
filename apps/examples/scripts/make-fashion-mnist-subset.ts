// Cuts the embedded Fashion-MNIST subset (assets/fashion-mnist/) from the original files: the
// first TRAIN_COUNT training and TEST_COUNT test images with their labels, in the same IDX
// format, gzip-compressed. The originals are in random order, so a prefix is a fair sample; the
// script prints the images per class. Run: pnpm --filter @fovea/examples make-subset [DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FASHION_MNIST_SUBSET, SUBSET_COUNTS } from '../src/lib/fashion-mnist.js';

const source = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';

/** The first `count` records of an IDX file: the header's first dimension rewritten. */
function prefix(idx: Uint8Array, count: number, recordSize: number, headerSize: number): Uint8Array {
  const out = idx.slice(0, headerSize + count * recordSize);
  new DataView(out.buffer).setUint32(4, count);
  return out;
}

mkdirSync(FASHION_MNIST_SUBSET, { recursive: true });
for (const [split, prefixName] of [
  ['train', 'train'],
  ['test', 't10k'],
] as const) {
  const count = SUBSET_COUNTS[split];
  const images = gunzipSync(readFileSync(join(source, `${prefixName}-images-idx3-ubyte.gz`)));
  const labels = gunzipSync(readFileSync(join(source, `${prefixName}-labels-idx1-ubyte.gz`)));
  const files = {
    [`${prefixName}-images-idx3-ubyte.gz`]: prefix(images, count, 784, 16),
    [`${prefixName}-labels-idx1-ubyte.gz`]: prefix(labels, count, 1, 8),
  };
  for (const [name, bytes] of Object.entries(files)) {
    // gzip's header carries no time stamp here, so the files are the same on every run
    writeFileSync(join(FASHION_MNIST_SUBSET, name), gzipSync(bytes, { level: 9 }));
  }
  const perClass = new Array<number>(10).fill(0);
  for (const label of labels.subarray(8, 8 + count)) perClass[label]++;
  console.log(`${split}: ${count} images, per class ${perClass.join(' ')}`);
}
