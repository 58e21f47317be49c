import { checkOptions } from '@fovea/tensor';
import { type IdxArray, parseIdx, type ReadIdxOptions } from './idx/read-idx.js';

export { FashionMNIST, MNIST } from './vision/mnist.js';

/** An IDX file's shape and values from raw bytes; gzip bytes go through `await decompress(bytes)` first. */
export function readIdx(bytes: Uint8Array, options: ReadIdxOptions = {}): IdxArray {
  options = checkOptions('readIdx', options);
  return parseIdx(bytes, options.name ?? 'IDX bytes');
}
