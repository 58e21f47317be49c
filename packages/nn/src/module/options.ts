// The option objects of Module's methods, and what loading a state dict reports.

export interface NamedOptions {
  /** Prepended to every name, with a dot (`prefix.weight`). */
  prefix?: string;
  /** Include submodules' entries (default) or only this module's own. */
  recurse?: boolean;
}

export interface StateDictOptions {
  prefix?: string;
  /** Keep the parameters themselves (with autograd) instead of detached tensors. */
  keepVars?: boolean;
}

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default); shape mismatches are errors either way. */
  strict?: boolean;
}

export interface BufferOptions {
  /** Part of the state dict (default); a non-persistent buffer is not saved or loaded. */
  persistent?: boolean;
}

/** What loading found wrong so far, filled in by each module's `loadOwnState`. */
export interface LoadReport {
  missingKeys: string[];
  unexpectedKeys: string[];
  errors: string[];
}
