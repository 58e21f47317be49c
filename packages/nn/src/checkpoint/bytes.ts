import { checkOptions } from '@fovea/tensor';
import type { StateDict, StateDictLike } from '../module/state-dict.js';
import { deserializeRaw } from '../serialization/deserialize.js';
import { namedSafetensorsErrors } from '../serialization/errors.js';
import { serializeRaw } from '../serialization/serialize.js';
import { fromRawTensors, type SerializeOptions, toRawTensors } from './convert.js';

/**
 * A state dict as the bytes of a safetensors file, as Python's `safetensors.torch.save` writes
 * them (runs in the browser; `save` writes them to a file in Node).
 *
 * @param stateDict - Tensors by key (`module.stateDict()`).
 * @param options - `metadata`: string pairs stored in the header.
 * @returns The file's bytes.
 */
export function serialize(stateDict: StateDictLike, options: SerializeOptions = {}): Uint8Array {
  options = checkOptions('serialize', options);
  return namedSafetensorsErrors('serialize', () =>
    serializeRaw(toRawTensors('serialize', stateDict, options), options.metadata),
  );
}

/**
 * The state dict in the bytes of a safetensors file. A malformed or hostile file is a
 * `SafetensorsError` that says what is wrong, before anything large is allocated.
 *
 * @param bytes - A safetensors file's bytes.
 * @returns Tensors by key, for `loadStateDict`.
 * @throws `SafetensorsError` for a malformed file.
 */
export function deserialize(bytes: Uint8Array): StateDict {
  return namedSafetensorsErrors('deserialize', () => fromRawTensors('deserialize', deserializeRaw(bytes)));
}
