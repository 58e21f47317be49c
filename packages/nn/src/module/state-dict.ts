import { Tensor } from '@fovea/tensor';
import type { MembersOf, OwnMembers } from './members.js';
import type { Module } from './module.js';
import { describe, formatShape } from './naming.js';
import type { LoadReport, StateDictOptions } from './options.js';
import { Parameter } from './parameter.js';

/**
 * Named tensors in PyTorch's order and with PyTorch's keys (`features.0.weight`,
 * `bn.running_mean`). A plain object without a prototype, so any key (even `__proto__`) is an
 * ordinary entry; `loadStateDict` and `save` also take a `Map`.
 */
export type StateDict = Record<string, Tensor>;

/** A state dict as `loadStateDict` and `save` take it: a record or a `Map` of tensors. */
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

/**
 * Records the keys under `prefix` that name neither one of this module's own entries nor lie
 * under one of its children. Collected either way (PyTorch passes strict=True here too); `strict`
 * only decides whether they are an error.
 */
export function addUnexpectedKeys(
  entries: ReadonlyMap<string, unknown>,
  prefix: string,
  localNames: ReadonlySet<string>,
  childNames: ReadonlySet<string>,
  report: LoadReport,
): void {
  for (const key of entries.keys()) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const known = dot >= 0 ? childNames.has(rest.slice(0, dot)) : localNames.has(rest);
    if (!known && !report.unexpectedKeys.includes(key)) report.unexpectedKeys.push(key);
  }
}

/** Throws PyTorch's error listing every problem a load found (key mismatches only when strict). */
export function throwLoadErrors(report: LoadReport, strict: boolean, moduleName: string): void {
  const errors = [...report.errors];
  if (strict) {
    const quoted = (keys: string[]) => keys.map((k) => `"${k}"`).join(', ');
    if (report.unexpectedKeys.length > 0)
      errors.unshift(`Unexpected key(s) in state_dict: ${quoted(report.unexpectedKeys)}. `);
    if (report.missingKeys.length > 0)
      errors.unshift(`Missing key(s) in state_dict: ${quoted(report.missingKeys)}. `);
  }
  if (errors.length > 0) {
    throw new Error(`Error(s) in loading state_dict for ${moduleName}:\n\t${errors.join('\n\t')}`);
  }
}

/**
 * The checkpoint's tensor under `key`, or undefined after recording, in PyTorch's words, why there
 * is none: the key is missing, or its value is not a tensor.
 */
export function checkpointTensor(
  entries: ReadonlyMap<string, unknown>,
  key: string,
  report: LoadReport,
): Tensor | undefined {
  if (!entries.has(key)) {
    report.missingKeys.push(key);
    return undefined;
  }
  const value = entries.get(key);
  if (value instanceof Tensor) return value;
  report.errors.push(
    `While copying the parameter named "${key}", expected a Tensor from checkpoint but received ${describe(value)}`,
  );
  return undefined;
}

/** Copies a checkpoint tensor into the model's, recording PyTorch's message when it cannot. */
export function copyCheckpointTensor(key: string, value: Tensor, target: Tensor, report: LoadReport): void {
  if (value.ndim !== target.ndim || value.shape.some((d, i) => d !== target.shape[i])) {
    report.errors.push(
      `size mismatch for ${key}: copying a param with shape ${formatShape(value.shape)} from checkpoint, the shape in current model is ${formatShape(target.shape)}.`,
    );
    return;
  }
  try {
    target.copy_(value);
  } catch (error) {
    report.errors.push(
      `While copying the parameter named "${key}", whose dimensions in the model are ${formatShape(target.shape)} and whose dimensions in the checkpoint are ${formatShape(value.shape)}, an exception occurred : ${(error as Error).message}.`,
    );
  }
}

/**
 * `root.stateDict(options)`: own parameters, own persistent buffers, then each child's entries,
 * depth first (PyTorch's order), detached unless `keepVars`.
 */
export function collectStateDict(root: Module, options: StateDictOptions, membersOf: MembersOf): StateDict {
  const { prefix = '', keepVars = false } = options;
  const out = emptyStateDict();
  const visit = (module: Module, at: string) => {
    const own = membersOf(module);
    for (const [name, p] of own.parameters) out[at + name] = keepVars ? p : p.detach();
    for (const [name, b, persistent] of own.buffers) {
      if (persistent) out[at + name] = keepVars ? b : b.detach();
    }
    for (const [name, child] of own.children) visit(child, `${at}${name}.`);
  };
  visit(root, prefix === '' ? '' : `${prefix}.`);
  return out;
}

/**
 * Module's `loadOwnState`: copies a module's own entries (keys `prefix + name`) from the
 * checkpoint and records what did not fit. A lazy parameter takes the checkpoint's shape, given
 * to `materialize`.
 */
export function loadOwnEntries(
  own: OwnMembers,
  entries: ReadonlyMap<string, unknown>,
  prefix: string,
  report: LoadReport,
  materialize: (name: string, value: Parameter) => void,
): void {
  const local = new Map<string, Tensor>(own.parameters);
  for (const [name, b, persistent] of own.buffers) if (persistent) local.set(name, b);
  const localNames = new Set([...local.keys(), ...own.uninitialized]);
  for (const name of [...own.uninitialized]) {
    const value = checkpointTensor(entries, prefix + name, report);
    if (value === undefined) continue;
    const floating = value.dtype === 'float64' ? value : value.to('float32');
    materialize(name, new Parameter(floating.detach().clone()));
  }
  for (const [name, target] of local) {
    const value = checkpointTensor(entries, prefix + name, report);
    if (value !== undefined) copyCheckpointTensor(prefix + name, value, target, report);
  }
  const childNames = new Set(own.children.map(([name]) => name));
  addUnexpectedKeys(entries, prefix, localNames, childNames, report);
}
