// How Module names things in its messages and its dotted paths.

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

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
