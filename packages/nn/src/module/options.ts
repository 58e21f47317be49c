// The option objects of Module's methods, and what loading a state dict reports.

/** The optional arguments of `namedParameters`, `namedBuffers` and `namedModules`. */
export interface NamedOptions {
  /** Prepended to every name, with a dot (`prefix.weight`). */
  prefix?: string;
  /** Include submodules' entries (default) or only this module's own. */
  recurse?: boolean;
}

/** The optional arguments of `stateDict`. */
export interface StateDictOptions {
  /** Prepended to every key, with a dot. */
  prefix?: string;
  /** Keep the parameters themselves (with autograd) instead of detached tensors. */
  keepVars?: boolean;
}

/** The optional arguments of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default); shape mismatches are errors either way. */
  strict?: boolean;
}

/** The optional arguments of `registerBuffer`. */
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
