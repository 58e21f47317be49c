// The browser build: no file system and no synchronous gunzip. `fromDirectory` explains where to
// turn; `decompress` gunzips the original `.gz` files for `fromBytes` and `readIdx`.
export { FashionMNIST, MNIST, readIdx } from './browser-datasets.js';
export * from './common.js';
