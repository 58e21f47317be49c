export { Conv2d } from './conv2d.js';
export { Conv2D } from './conv2d-from-scratch.js';
export { LazyConv2d } from './lazy-conv2d.js';
export type { Conv2dOptions, PaddingMode, Size2 } from './options.js';
