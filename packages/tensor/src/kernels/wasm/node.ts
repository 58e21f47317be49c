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

/** The environment variable `name` (Node only). */
export function environmentValue(name: string): string | undefined {
  return nodeProcess()?.env?.[name];
}

/** Whether the environment variable `name` is set to 1 (Node only). */
export function environmentFlag(name: string): boolean {
  return environmentValue(name) === '1';
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

/** V8's version as major, minor; 0, 0 outside Node. */
function v8Version(): [number, number] {
  const [major, minor] = (nodeProcess()?.versions?.v8 ?? '').split('.').map((n) => Number.parseInt(n, 10));
  return [major || 0, minor || 0];
}

/**
 * Whether this V8 has `--wasm-dynamic-tiering` (9 through 13, Node 16 through 24): V8 prints an
 * error for a flag it does not know, so other versions keep their default tiering.
 */
function knowsTieringFlag(): boolean {
  const [major] = v8Version();
  return major >= 9 && major <= 13;
}

/** Whether this V8 keeps relaxed SIMD behind its flag: 9.x to 11.3 (Node 16 to 20; 11.4 shipped it). */
function relaxedSimdBehindFlag(): boolean {
  const [major, minor] = v8Version();
  return major >= 9 && (major < 11 || (major === 11 && minor < 4));
}

/**
 * Runs `work` with V8 flags set, each set back right after: [name, set, reset]. Flags the
 * process chose itself (its command line or NODE_OPTIONS mention them) are left alone, as is
 * everything outside Node.
 */
function withV8Flags<T>(flags: readonly (readonly [string, string, string])[], work: () => T): T {
  const v8 = nodeBuiltin<NodeV8>('node:v8');
  const chosen = flags.filter(([name]) => !userSetFlag(name));
  if (v8 === null || typeof v8.setFlagsFromString !== 'function' || chosen.length === 0) return work();
  for (const [, set] of chosen) v8.setFlagsFromString(set);
  try {
    return work();
  } finally {
    for (const [, , reset] of chosen) v8.setFlagsFromString(reset);
  }
}

/** The flags `binary` needs to compile, as [name, set, reset]: relaxed SIMD's, where V8 hides it. */
function featureFlags(binary: Uint8Array<ArrayBuffer>): (readonly [string, string, string])[] {
  if (WebAssembly.validate(binary) || !relaxedSimdBehindFlag()) return [];
  return [['relaxed-simd', '--experimental-wasm-relaxed-simd', '--no-experimental-wasm-relaxed-simd']];
}

/**
 * Whether this runtime compiles `binary` (the relaxed-SIMD build): natively, or in Node 16 to 20
 * with relaxed SIMD's flag set for the compile, as `compileModule` sets it.
 */
export function compiles(binary: Uint8Array<ArrayBuffer>): boolean {
  return withV8Flags(featureFlags(binary), () => WebAssembly.validate(binary));
}

/**
 * Compiles the kernels. V8 first runs each WebAssembly function on its baseline compiler and
 * recompiles hot ones in the background; here a long kernel run from a worker could keep the
 * baseline code for a whole measurement (the two-thread weight gradient of LeNet's second
 * convolution took 1.6 ms in one process and 2.4 ms in the next). In Node this module alone
 * is compiled for the optimizing compiler only: the flag is set for this compile and set back
 * at once, unless the process chose its own tiering. Relaxed SIMD's flag, where V8 keeps the
 * feature behind one, is set the same way (the compiled module keeps it; workers receive it
 * compiled).
 */
export function compileModule(binary: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  const tiering = knowsTieringFlag()
    ? [['wasm-dynamic-tiering', '--no-wasm-dynamic-tiering', '--wasm-dynamic-tiering'] as const]
    : [];
  return withV8Flags([...tiering, ...featureFlags(binary)], () => new WebAssembly.Module(binary));
}
