/**
 * Node's built-in modules without a static import (the package also runs in browsers, where
 * this returns null): `process.getBuiltinModule`, Node 20.16 and later.
 */

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  execArgv?: readonly string[];
  env?: Record<string, string | undefined>;
  versions?: Record<string, string | undefined>;
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/** Whether the environment variable `name` is set to 1 (Node only). */
export function environmentFlag(name: string): boolean {
  return nodeProcess()?.env?.[name] === '1';
}

export function nodeBuiltin<T>(id: string): T | null {
  const load = nodeProcess()?.getBuiltinModule;
  if (typeof load !== 'function') return null;
  try {
    return (load(id) as T | undefined) ?? null;
  } catch {
    return null;
  }
}

interface NodeV8 {
  setFlagsFromString(flags: string): void;
}

/** Whether the process was started with a V8 flag mentioning `name` (on the command line or in NODE_OPTIONS). */
function userSetFlag(name: string): boolean {
  const proc = nodeProcess();
  return (
    (proc?.execArgv ?? []).some((arg) => arg.includes(name)) || (proc?.env?.NODE_OPTIONS ?? '').includes(name)
  );
}

/**
 * Whether this V8 has `--wasm-dynamic-tiering` (9 through 13, Node 16 through 24): V8 prints an
 * error for a flag it does not know, so other versions keep their default tiering.
 */
function knowsTieringFlag(): boolean {
  const major = Number.parseInt(nodeProcess()?.versions?.v8 ?? '', 10);
  return major >= 9 && major <= 13;
}

/**
 * Compiles the kernels. V8 first runs each WebAssembly function on its baseline compiler and
 * recompiles hot ones in the background; here a long kernel run from a worker could keep the
 * baseline code for a whole measurement (the two-thread weight gradient of LeNet's second
 * convolution took 1.6 ms in one process and 2.4 ms in the next). In Node this module alone
 * is compiled for the optimizing compiler only: the flag is set for this compile and set back
 * at once, unless the process chose its own tiering.
 */
export function compileModule(binary: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  const v8 = nodeBuiltin<NodeV8>('node:v8');
  if (
    v8 === null ||
    typeof v8.setFlagsFromString !== 'function' ||
    !knowsTieringFlag() ||
    userSetFlag('wasm-dynamic-tiering')
  ) {
    return new WebAssembly.Module(binary);
  }
  v8.setFlagsFromString('--no-wasm-dynamic-tiering');
  try {
    return new WebAssembly.Module(binary);
  } finally {
    v8.setFlagsFromString('--wasm-dynamic-tiering');
  }
}
