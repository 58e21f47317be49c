// How Module names things in its messages and its dotted paths.

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
): asserts name is string {
  checkName(op, name);
  if (value !== null && !(value instanceof kind)) {
    throw new TypeError(
      `${op}: cannot assign ${describe(value)} as ${what} "${name}" (${required} or null is required)`,
    );
  }
}
