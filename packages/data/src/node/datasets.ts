import { checkOptions } from '@fovea/tensor';
// The datasets with Node's file system and zlib: `fromDirectory`, and `fromBytes` on gzip files.
import type { Platform } from '../idx/platform.js';
import { type IdxArray, parseIdx, type ReadIdxOptions } from '../idx/read-idx.js';
import { FashionMNIST as FashionMNISTBase, MNIST as MNISTBase } from '../vision/mnist.js';
import { nodePlatform } from './platform.js';

/**
 * Zalando's Fashion-MNIST (Xiao et al., 2017), like `torchvision.datasets.FashionMNIST`: 60,000
 * training and 10,000 test images of clothing, 28 x 28 grayscale, 10 classes. Read with
 * `FashionMNIST.fromDirectory(folder, { split })` (the four original files, gzip or raw) or
 * `fromBytes`; a sample is `[image, label]` (see {@link IdxImageDataset}).
 */
export class FashionMNIST extends FashionMNISTBase {
  static override readonly platform: Platform = nodePlatform;
}

/**
 * LeCun's MNIST, like `torchvision.datasets.MNIST`: 60,000 training and 10,000 test images of
 * handwritten digits, 28 x 28 grayscale. Read as {@link FashionMNIST} is.
 */
export class MNIST extends MNISTBase {
  static override readonly platform: Platform = nodePlatform;
}

/** An IDX file's shape and values from its bytes, gzip-compressed or raw. */
export function readIdx(bytes: Uint8Array, options: ReadIdxOptions = {}): IdxArray {
  options = checkOptions('readIdx', options);
  return parseIdx(bytes, options.name ?? 'IDX bytes', nodePlatform.gunzip);
}
