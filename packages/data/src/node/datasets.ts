import { checkOptions } from '@fovea/tensor';
// The datasets with Node's file system and zlib: `fromDirectory`, and `fromBytes` on gzip files.
import type { Platform } from '../idx/platform.js';
import { type IdxArray, parseIdx, type ReadIdxOptions } from '../idx/read-idx.js';
import { FashionMNIST as FashionMNISTBase, MNIST as MNISTBase } from '../vision/mnist.js';
import { nodePlatform } from './platform.js';

export class FashionMNIST extends FashionMNISTBase {
  static override readonly platform: Platform = nodePlatform;
}

export class MNIST extends MNISTBase {
  static override readonly platform: Platform = nodePlatform;
}

/** An IDX file's shape and values from its bytes, gzip-compressed or raw. */
export function readIdx(bytes: Uint8Array, options: ReadIdxOptions = {}): IdxArray {
  options = checkOptions('readIdx', options);
  return parseIdx(bytes, options.name ?? 'IDX bytes', nodePlatform.gunzip);
}
