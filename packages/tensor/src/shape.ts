export type Shape = readonly number[];

/**
 * A shape as errors print it: `[2, 4, 32, 32]` (the one formatter every Fovea package uses).
 *
 * @param shape - The sizes.
 * @returns The text: `formatShape([2, 3])` is `'[2, 3]'`.
 */
export function formatShape(shape: Shape): string {
  if (!Array.isArray(shape))
    throw new Error(`formatShape: argument 'shape' must be an array, got ${typeof shape}`);
  return `[${shape.map(element).join(', ')}]`;
}

/** One entry of a shape as messages show it; a shape from outside may hold anything. */
function element(d: unknown): string {
  if (typeof d === 'number' || typeof d === 'bigint' || typeof d === 'boolean' || d === undefined)
    return String(d);
  if (typeof d === 'string') return `'${d}'`;
  if (d === null) return 'null';
  return typeof d === 'object' ? 'an object' : `a ${typeof d}`;
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * A tensor's own copy of a shape or strides, frozen. An array that is already frozen cannot
 * change, so it is shared as it is (a result or a view with its operand's shape): a small op
 * then builds one array fewer.
 */
export function frozenDims(dims: Shape): readonly number[] {
  return Object.isFrozen(dims) && Array.isArray(dims) ? dims : Object.freeze([...dims]);
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy broadcasting: align from the right; a dimension of 1 stretches. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const j = ndim - shape.length + i;
      const d = shape[i];
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j]) {
        throw new Error(`${op}: cannot broadcast ${shapes.map(formatShape).join(' with ')}`);
      }
    }
  }
  return out;
}

/** Resolves a possibly negative dimension index against `ndim`. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (typeof dim !== 'number') throw new Error(`${op}: argument 'dim' must be an integer, got ${typeof dim}`);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new Error(`${op}: dimension ${dim} is out of range for a tensor with ${ndim} dimensions`);
  }
  return dim < 0 ? dim + n : dim;
}
