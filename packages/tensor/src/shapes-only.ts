/**
 * Shapes-only execution, like PyTorch's meta device: ops check their inputs, compute output
 * shapes and record the autograd graph, but do no arithmetic and allocate no values. Tools that
 * only need a network's structure (receptive fields) trace large inputs this way in moments.
 */
let active = false;

export function isShapesOnly(): boolean {
  return active;
}

/** Runs `fn` with every op computing shapes only; values read inside are meaningless. */
export function withShapesOnly<T>(fn: () => T): T {
  // checks.ts's wording; this module stays free of imports (dtype.ts reads it).
  if (typeof fn !== 'function')
    throw new Error(`withShapesOnly: argument 'fn' must be a function, got ${typeof fn}`);
  const previous = active;
  active = true;
  try {
    return fn();
  } finally {
    active = previous;
  }
}
