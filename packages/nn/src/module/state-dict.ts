import type { Tensor } from '@fovea/tensor';

/**
 * Named tensors in PyTorch's order and with PyTorch's keys (`features.0.weight`,
 * `bn.running_mean`). A plain object without a prototype, so any key (even `__proto__`) is an
 * ordinary entry; `loadStateDict` and `save` also take a `Map`.
 */
export type StateDict = Record<string, Tensor>;

export type StateDictLike = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

/** What `loadStateDict` could not match, like PyTorch's `_IncompatibleKeys`. */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export function emptyStateDict(): StateDict {
  return Object.create(null) as StateDict;
}

/** The entries of a state dict as a Map, own enumerable keys only (never inherited ones). */
export function stateDictEntries(stateDict: StateDictLike, where: string): Map<string, unknown> {
  if (stateDict instanceof Map) return new Map(stateDict);
  if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict)) {
    throw new Error(
      `${where}: expected a state dict (an object or Map of tensors), got ${stateDict === null ? 'null' : Array.isArray(stateDict) ? 'an array' : typeof stateDict}`,
    );
  }
  const entries = new Map<string, unknown>();
  for (const key of Object.keys(stateDict)) entries.set(key, (stateDict as Record<string, unknown>)[key]);
  return entries;
}
