export type { AdaptiveSize } from './adaptive-avg-pool2d.js';
export { AdaptiveAvgPool2d } from './adaptive-avg-pool2d.js';
export type { AvgPool2dOptions } from './avg-pool2d.js';
export { AvgPool2d } from './avg-pool2d.js';
export type { MaxPool2dIndicesOptions, MaxPool2dOptions } from './max-pool2d.js';
export { MaxPool2d } from './max-pool2d.js';
export type { MaxUnpool2dOptions } from './max-unpool2d.js';
export { MaxUnpool2d } from './max-unpool2d.js';
