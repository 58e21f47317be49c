// The browser build: everything but the file system. `save` and `load` explain where to turn.

export type { LoadOptions } from './checkpoint/file-unavailable.js';
export { load, save } from './checkpoint/file-unavailable.js';
export * from './common.js';
