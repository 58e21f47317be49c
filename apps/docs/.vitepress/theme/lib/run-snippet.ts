import * as autograd from '@fovea/autograd';
import * as nn from '@fovea/nn';
import * as optim from '@fovea/optim';
import * as receptiveField from '@fovea/receptive-field';
import type { KernelRun } from '@fovea/tensor';
import * as tensor from '@fovea/tensor';
import { transform } from 'sucrase';
import { inspect } from './inspect';

/** What a snippet may import. Whole namespaces, so the site builds against whatever they export. */
const MODULES: Record<string, object> = {
  '@fovea/autograd': autograd,
  '@fovea/tensor': tensor,
  '@fovea/nn': nn,
  '@fovea/optim': optim,
  '@fovea/receptive-field': receptiveField,
};

/** The file name errors give for a cell, through `//# sourceURL`. */
const CELL = 'fovea-cell.js';

export interface SnippetResult {
  /** Everything the snippet printed, one entry per `console.log` call. */
  lines: string[];
  /** The error it threw, as `Name: message (line n)`, or null. */
  error: string | null;
  /** The cell's line the error points at, when it is known. */
  errorLine: number | null;
  /** The kernels the cell ran before its first `await`, with the backend of each. */
  kernels: KernelRun[];
}

// Cells may `await` (a GPU tensor is read with `await t.dataAsync()`), so they run as an async
// function's body.
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<void>;

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

/**
 * TypeScript to JavaScript whose imports are `require()` calls. Sucrase only strips types and
 * rewrites imports, keeping every statement on its line, so a runtime error's line is the
 * cell's line.
 */
function compile(source: string): string {
  return transform(source, { transforms: ['typescript', 'imports'], filePath: 'cell.ts' }).code;
}

/** The line of the cell a stack trace points at, or null when the error came from elsewhere. */
function cellLine(error: unknown): number | null {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const match = stack.match(new RegExp(`${CELL.replace('.', '\\.')}:(\\d+):\\d+`));
  return match ? Number(match[1]) - functionHeaderLines() : null;
}

let headerLines: number | null = null;
/**
 * How many lines `new Function` puts before the body (2 in V8), measured once; an async
 * function's header (`async function anonymous(...`) has as many.
 */
function functionHeaderLines(): number {
  if (headerLines === null) {
    try {
      new Function(`throw new Error();\n//# sourceURL=${CELL}`)();
    } catch (error) {
      const match = String((error as Error).stack).match(/:(\d+):\d+/);
      headerLines = match ? Number(match[1]) - 1 : 0;
    }
  }
  return headerLines ?? 0;
}

function describe(error: unknown, line: number | null): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return line === null ? text : `${text} (line ${line})`;
}

/** Compiles a cell's TypeScript and runs it, with `console` captured and its kernels traced. */
export async function runSnippet(source: string): Promise<SnippetResult> {
  const lines: string[] = [];
  const log = (...args: unknown[]) => {
    lines.push(args.map((arg) => inspect(arg)).join(' '));
  };
  const console = { log, info: log, warn: log, error: log };
  let code: string;
  try {
    code = compile(source);
  } catch (error) {
    // Sucrase's own message ends with the line and column: `Unexpected token (3:12)`.
    const message =
      error instanceof Error ? error.message.replace(/^Error transforming cell\.ts: /, '') : error;
    const line = (error as { loc?: { line?: number } }).loc?.line ?? null;
    return { lines, error: `SyntaxError: ${message}`, errorLine: line, kernels: [] };
  }
  let kernels: KernelRun[] = [];
  try {
    const body = new AsyncFunction('require', 'console', 'exports', `${code}\n//# sourceURL=${CELL}`);
    const traced = tensor.traceKernels(() => body(requireModule, console, {}));
    kernels = traced.kernels;
    await traced.result;
    return { lines, error: null, errorLine: null, kernels };
  } catch (error) {
    const line = cellLine(error);
    return { lines, error: describe(error, line), errorLine: line, kernels };
  }
}
