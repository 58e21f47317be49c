// Everything in @fovea/data that is the same in Node and in browsers: all but the datasets and
// `readIdx`, whose Node versions (index.ts) read files and gunzip synchronously.
export { defaultCollate } from './dataloader/collate.js';
export type { DataLoaderOptions } from './dataloader/dataloader.js';
export { DataLoader } from './dataloader/dataloader.js';
export { randperm } from './dataloader/randperm.js';
export type { Dataset, Sample } from './dataset/dataset.js';
export { Subset } from './dataset/subset.js';
export { TensorDataset } from './dataset/tensor-dataset.js';
export { decompress, isGzip } from './idx/gzip.js';
export type { IdxArray, IdxData, ReadIdxOptions } from './idx/read-idx.js';
export { normalize } from './transforms/normalize.js';
export type { FromBytesOptions, ImageDatasetOptions, Split } from './vision/idx-image-dataset.js';
export { IdxImageDataset, idxFileNames } from './vision/idx-image-dataset.js';
