let gradEnabled = true;

/** Whether operations record history for backward right now. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Switches recording on or off; prefer `noGrad` and `enableGrad`, which restore the mode.
 *
 * @param enabled - True to record, false not to.
 */
export function setGradEnabled(enabled: boolean): void {
  if (typeof enabled !== 'boolean') {
    const got = enabled === null ? 'null' : typeof enabled === 'object' ? 'an object' : typeof enabled;
    throw new Error(`setGradEnabled: argument 'enabled' must be a boolean, got ${got}`);
  }
  gradEnabled = enabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  if (typeof fn !== 'function') {
    throw new Error(
      `${enabled ? 'enableGrad' : 'noGrad'}: argument 'fn' must be a function, got ${fn === null ? 'null' : typeof fn}`,
    );
  }
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Runs `fn` without recording history, like `with torch.no_grad():`.
 *
 * @param fn - The code to run.
 * @returns What `fn` returns.
 *
 * @example
 * ```ts
 * import { noGrad } from '@fovea/autograd';
 * import { tensor } from '@fovea/tensor';
 *
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => w.mul(2));
 * y.requiresGrad; // false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/**
 * Runs `fn` with recording on, even inside `noGrad`, like `with torch.enable_grad():`.
 *
 * @param fn - The code to run.
 * @returns What `fn` returns.
 */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
