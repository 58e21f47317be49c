export type { BatchNorm2dOptions } from './batch-norm2d.js';
export { BatchNorm2d } from './batch-norm2d.js';
