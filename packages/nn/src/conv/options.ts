/** A size for both spatial axes, or `[h, w]`. */
export type Size2 = number | readonly [number, number];

/** `nn.Conv2d`'s `padding_mode`: how the border is filled before a convolution. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** The optional arguments of `Conv2d`, as `torch.nn.Conv2d`'s keywords camelCased. */
export interface Conv2dOptions {
  /** Step of the kernel along each axis (1). */
  stride?: Size2;
  /** A number, `[h, w]`, `'valid'` (none) or `'same'` (output as large as the input; stride 1 only). */
  padding?: Size2 | 'same' | 'valid';
  /** Spacing between kernel elements (1): a dilated 3 x 3 kernel with dilation 2 covers 5 x 5. */
  dilation?: Size2;
  /**
   * Split the channels into this many groups, each convolved with its own kernels (1); `inChannels`
   * and `outChannels` must be divisible by it.
   */
  groups?: number;
  /** Add a learnable bias per output channel (true). */
  bias?: boolean;
  /** How the border is filled: `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  paddingMode?: PaddingMode;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

/**
 * `3` -> `[3, 3]`, `[3, 5]` stays (PyTorch's `_pair`), checking that both are integers of at
 * least `min`.
 */
export function pair(where: string, what: string, value: unknown, min: number): [number, number] {
  const values =
    typeof value === 'number' ? [value, value] : Array.isArray(value) && value.length === 2 ? value : null;
  if (values === null) {
    throw new Error(`${where}: ${what} must be a number or [h, w], got ${describe(value)}`);
  }
  if (!values.every((v) => Number.isInteger(v) && v >= min)) {
    const kind = min > 0 ? 'positive' : 'non-negative';
    throw new Error(`${where}: ${what} must be ${kind} integers, got ${describe(value)}`);
  }
  return [values[0], values[1]];
}

/** Throws unless `value` is an integer of at least `min`. */
export function integer(where: string, what: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const kind = min > 0 ? 'a positive' : 'a non-negative';
    throw new Error(`${where}: ${what} must be ${kind} integer, got ${describe(value)}`);
  }
  return value;
}
