import type { TypedArray } from './dtype.js';

/**
 * The memory behind a tensor and all of its views. `version` counts in-place writes, so that
 * backward can tell when a value it saved has been overwritten since.
 */
export class Storage {
  version = 0;
  constructor(readonly array: TypedArray) {}
}
