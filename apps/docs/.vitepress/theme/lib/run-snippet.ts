import * as nn from '@fovea/nn';
import * as optim from '@fovea/optim';
import * as receptiveField from '@fovea/receptive-field';
import * as tensor from '@fovea/tensor';
import { inspect } from './inspect';

/** What a snippet may import. Whole namespaces, so the site builds against whatever they export. */
const MODULES: Record<string, object> = {
  '@fovea/tensor': tensor,
  '@fovea/nn': nn,
  '@fovea/optim': optim,
  '@fovea/receptive-field': receptiveField,
};

export interface SnippetResult {
  /** Everything the snippet printed, one entry per `console.log` call. */
  lines: string[];
  /** The error it threw, as `Name: message`, or null. */
  error: string | null;
}

function requireModule(name: string): object {
  const module = MODULES[name];
  if (module === undefined) {
    throw new Error(`only ${Object.keys(MODULES).join(', ')} can be imported here, not '${name}'`);
  }
  // A clear message for a name the package does not export (yet), instead of "x is not a function".
  return new Proxy(module, {
    get(target, key) {
      if (typeof key === 'string' && key !== '__esModule' && !(key in target)) {
        throw new Error(`${name} does not export ${key}`);
      }
      return Reflect.get(target, key);
    },
  });
}

/** Runs a snippet compiled by `runnableFences`, with `console` captured. */
export function runSnippet(code: string): SnippetResult {
  const lines: string[] = [];
  const log = (...args: unknown[]) => {
    lines.push(args.map((arg) => inspect(arg)).join(' '));
  };
  const console = { log, info: log, warn: log, error: log };
  try {
    new Function('require', 'console', code)(requireModule, console);
    return { lines, error: null };
  } catch (error) {
    return { lines, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
