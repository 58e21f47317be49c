/**
 * What `console.log` prints for one argument, close to Node's `util.inspect`, so a snippet prints
 * the same in the page as in a terminal: strings as they are, tensors and other objects with their
 * own `toString` through it, arrays and plain objects as `[ 1, 2 ]` and `{ rows: [ 0, 2 ] }`.
 */
export function inspect(value: unknown, nested = false): string {
  if (typeof value === 'string') return nested ? `'${value}'` : value;
  if (Array.isArray(value)) {
    return value.length === 0 ? '[]' : `[ ${value.map((item) => inspect(item, true)).join(', ')} ]`;
  }
  if (value === null || typeof value !== 'object') return String(value);
  if (hasOwnToString(value)) return String(value);
  const entries = Object.entries(value).map(([key, item]) => `${key}: ${inspect(item, true)}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

function hasOwnToString(value: object): boolean {
  return value.toString !== Object.prototype.toString;
}
