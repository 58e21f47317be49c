// How Module names things in its messages and its dotted paths.

import { argumentError, checkBoolean, checkOptions } from '@fovea/tensor';

export { formatShape } from '@fovea/tensor';

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}

export function joinName(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

export function checkName(op: string, name: unknown): asserts name is string {
  if (typeof name !== 'string') throw new TypeError(`${op}: name should be a string, got ${describe(name)}`);
  if (name === '') throw new Error(`${op}: name can't be empty string ""`);
  if (name.includes('.')) throw new Error(`${op}: name can't contain ".", got "${name}"`);
}

/**
 * The checks of `registerBuffer` and `registerParameter`: a valid name, and a value of the
 * registered kind or null.
 */
export function checkMember(
  op: string,
  name: unknown,
  value: unknown,
  kind: abstract new (...args: never[]) => unknown,
  what: string,
  required: string,
  owner?: object,
): asserts name is string {
  checkName(op, name);
  if (owner !== undefined && inherited(owner, name))
    throw new Error(`${op}: attribute "${name}" already exists`);
  if (value !== null && !(value instanceof kind)) {
    throw new TypeError(
      `${op}: cannot assign ${describe(value)} as ${what} "${name}" (${required} or null is required)`,
    );
  }
}

/** Whether `name` is a method or accessor of a module's class: a registration must not shadow it. */
export function inherited(module: object, name: string): boolean {
  return !Object.hasOwn(module, name) && name in module;
}

/** The options of `namedParameters`, `namedBuffers` and `stateDict`, checked under `where`. */
export function listingOptions(
  where: string,
  options: { prefix?: string; recurse?: boolean; keepVars?: boolean } | null | undefined,
): { prefix: string; recurse: boolean; keepVars: boolean } {
  const { prefix = '', recurse = true, keepVars = false } = checkOptions(where, options);
  checkPrefix(where, prefix);
  checkBoolean(where, 'recurse', recurse);
  checkBoolean(where, 'keepVars', keepVars);
  return { prefix, recurse, keepVars };
}

export function checkPrefix(where: string, prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') throw argumentError(where, 'prefix', 'a string', prefix);
}
