export type { LoadOptions } from './checkpoint/file.js';
export { load, save } from './checkpoint/file.js';
export * from './common.js';
