import type { StateDict, StateDictLike } from '../module/state-dict.js';
import type { SerializeOptions } from './convert.js';

/** The optional arguments of `load` (which browsers do not have; see `deserialize`). */
export interface LoadOptions {
  /** Refuse files larger than this many bytes. */
  maxBytes?: number;
}

/** In a browser there is no file system: `serialize(stateDict)` gives the bytes to store. */
export function save(_stateDict: StateDictLike, path: string, _options: SerializeOptions = {}): void {
  throw new Error(
    `save: writing '${path}' needs Node.js; in a browser, use serialize(stateDict) and store the bytes`,
  );
}

/** In a browser there is no file system: `deserialize(bytes)` reads bytes you fetched. */
export function load(path: string, _options: LoadOptions = {}): StateDict {
  throw new Error(
    `load: reading '${path}' needs Node.js; in a browser, fetch the bytes and call deserialize(bytes)`,
  );
}
