/**
 * Shapes-only execution, like PyTorch's meta device: ops check their inputs, compute output
 * shapes and record the autograd graph, but do no arithmetic and allocate no values. Tools that
 * only need a network's structure (receptive fields) trace large inputs this way in moments.
 */
let active = false;

/**
 * Whether ops are computing shapes only (inside {@link withShapesOnly}).
 *
 * @returns True inside `withShapesOnly`.
 */
export function isShapesOnly(): boolean {
  return active;
}

/**
 * Runs `fn` with every op computing shapes only, like running a PyTorch model on the meta
 * device; values read inside are meaningless (and nothing is allocated for them).
 *
 * @param fn - The computation to trace.
 * @returns What `fn` returns.
 *
 * @example
 * ```ts
 * import { conv2d, withShapesOnly, zeros } from '@fovea/tensor';
 *
 * const y = withShapesOnly(() => conv2d(zeros([64, 3, 224, 224]), zeros([64, 3, 7, 7]), null, { stride: 2, padding: 3 }));
 * y.shape; // [64, 64, 112, 112]
 * ```
 */
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
