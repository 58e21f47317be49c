export * from './common.js';
export { FashionMNIST, MNIST, readIdx } from './node/datasets.js';
