// The Node-only half of checkpoints: the file system. Everything else in the package runs in a
// browser too (`serialize` and `deserialize` work on bytes).
import { argumentError, checkInteger, checkOptions } from '@fovea/tensor';
import type { StateDict, StateDictLike } from '../module/state-dict.js';
import { namedSafetensorsErrors } from '../serialization/errors.js';
import { readSafetensorsFile, writeFileAtomic } from '../serialization/file.js';
import { serializeRaw } from '../serialization/serialize.js';
import { fromRawTensors, type SerializeOptions, toRawTensors } from './convert.js';

/**
 * Writes a state dict to `path` as a safetensors file that PyTorch's `safetensors.torch.load_file`
 * reads. The bytes go to a temporary file that is renamed over `path`, so a crash leaves either
 * the old checkpoint or the new one, never half of one.
 *
 * @param stateDict - Tensors by key (`module.stateDict()`).
 * @param path - The file to write.
 * @param options - `metadata`: string pairs stored in the header.
 *
 * @example
 * ```ts
 * import { Conv2d, load, save } from '@fovea/nn';
 *
 * const conv = new Conv2d(1, 4, 3);
 * save(conv.stateDict(), 'conv.safetensors');
 * new Conv2d(1, 4, 3).loadStateDict(load('conv.safetensors'));
 * ```
 */
export function save(stateDict: StateDictLike, path: string, options: SerializeOptions = {}): void {
  if (typeof path !== 'string' || path === '')
    throw argumentError('save', 'path', 'a non-empty string', path);
  options = checkOptions('save', options);
  const bytes = namedSafetensorsErrors('save', () =>
    serializeRaw(toRawTensors('save', stateDict, options), options.metadata),
  );
  writeFileAtomic(path, bytes, 'save');
}

/** The optional arguments of `load`. */
export interface LoadOptions {
  /** Refuse files larger than this many bytes (default: the largest buffer the runtime allows). */
  maxBytes?: number;
}

/**
 * Reads a safetensors file (written by `save` or by PyTorch) as a state dict.
 *
 * @param path - A safetensors file.
 * @param options - `maxBytes`: refuse larger files.
 * @returns Tensors by key, for `loadStateDict`.
 * @throws `SafetensorsError` for a malformed file.
 */
export function load(path: string, options: LoadOptions = {}): StateDict {
  if (typeof path !== 'string' || path === '')
    throw argumentError('load', 'path', 'a non-empty string', path);
  const { maxBytes } = checkOptions('load', options);
  if (maxBytes !== undefined) checkInteger('load', 'maxBytes', maxBytes, 0);
  return namedSafetensorsErrors('load', () => {
    try {
      return fromRawTensors('load', readSafetensorsFile(path, { maxBytes }));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code !== 'string') throw error;
      throw new Error(`load: cannot read ${path} (${code})`, { cause: error });
    }
  });
}
