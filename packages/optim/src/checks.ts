/**
 * Hyperparameter checks with PyTorch's messages (`Invalid learning rate: -1`), prefixed with the
 * optimizer's name so a message says where it came from.
 */

/**
 * Python's `repr` of a float (`1.0`, `0.5`, `1e-08`): PyTorch formats its messages with it.
 * Digits are the shortest round trip in both languages; only the layout differs.
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  // repr switches to scientific notation when the decimal point falls outside (-4, 16].
  if (exponent < -4 || exponent >= 16) {
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  const fixed = String(x);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

/** A number as the user most likely typed it: integers bare, other values like Python floats. */
export function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : pythonFloat(x);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

export function requireNumber(owner: string, key: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new Error(`${owner}: expected ${key} to be a number, got ${describe(value)}`);
  }
  return value;
}

export function requireBoolean(owner: string, key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new Error(`${owner}: expected ${key} to be a boolean, got ${describe(value)}`);
  }
  return value;
}

/** `if not 0.0 <= value: raise ValueError(f"{message}: {value}")` (NaN fails too). */
export function requireNonNegative(owner: string, key: string, value: unknown, message: string): void {
  const x = requireNumber(owner, key, value);
  if (!(x >= 0)) throw new Error(`${owner}: ${message}: ${formatNumber(x)}`);
}

/** Adam's `betas`: two numbers in [0, 1). */
export function requireBetas(owner: string, value: unknown): void {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new Error(`${owner}: expected betas to be a pair [beta1, beta2], got ${describe(value)}`);
  }
  value.forEach((beta, i) => {
    const b = requireNumber(owner, `betas[${i}]`, beta);
    // PyTorch's betas are floats, so its message prints 1.0 for 1.
    if (!(b >= 0 && b < 1))
      throw new Error(`${owner}: Invalid beta parameter at index ${i}: ${pythonFloat(b)}`);
  });
}

/**
 * Runs `body`, whose errors start with `owner: ` (shared with the constructor), naming the
 * method the user called instead: `Adam: ...` becomes `Adam.addParamGroup: ...`.
 */
export function asMethod<T>(owner: string, method: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith(`${owner}: `)) throw error;
    const Kind = error.constructor as ErrorConstructor;
    throw new Kind(`${owner}.${method}: ${error.message.slice(owner.length + 2)}`, { cause: error });
  }
}
