// The Node-only half of checkpoints: the file system. Everything else in the package runs in a
// browser too (`serialize` and `deserialize` work on bytes).
import type { StateDict, StateDictLike } from '../module/state-dict.js';
import { readSafetensorsFile, writeFileAtomic } from '../serialization/file.js';
import { serializeRaw } from '../serialization/serialize.js';
import { fromRawTensors, type SerializeOptions, toRawTensors } from './convert.js';

/**
 * Writes a state dict to `path` as a safetensors file that PyTorch's `safetensors.torch.load_file`
 * reads. The bytes go to a temporary file that is renamed over `path`, so a crash leaves either
 * the old checkpoint or the new one, never half of one.
 */
export function save(stateDict: StateDictLike, path: string, options: SerializeOptions = {}): void {
  writeFileAtomic(path, serializeRaw(toRawTensors('save', stateDict, options), options.metadata));
}

export interface LoadOptions {
  /** Refuse files larger than this many bytes (default: the largest buffer the runtime allows). */
  maxBytes?: number;
}

/** Reads a safetensors file (written by `save` or by PyTorch) as a state dict. */
export function load(path: string, options: LoadOptions = {}): StateDict {
  return fromRawTensors('load', readSafetensorsFile(path, options));
}
