export type { DropoutLayerOptions } from './dropout.js';
export { Dropout } from './dropout.js';
