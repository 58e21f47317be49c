/**
 * The kernel registry: every op's arithmetic runs in a kernel registered under a name for a
 * backend, in the spirit of tfjs-core's registry. Ops call the function `defineKernel` returns;
 * it runs the kernel of the backend in effect (`setBackend`, see backend.ts) and falls back to
 * the TypeScript reference (the 'js' kernel, which every name has) when that backend has no
 * kernel of that name or declines the call (a dtype or size it does not take). `traceKernels`
 * lists which kernel ran.
 *
 * A kernel is a plain function over typed arrays (a backend's storage) with explicit shapes,
 * strides and geometry, never a Tensor; every backend's kernel has its reference's signature.
 * Built-in kernels are defined beside the op family that calls them (kernels/registered/), each
 * definition marked pure so that a bundler drops the kernels of ops a program never reaches; a
 * backend shipped separately (a later 'webgpu') adds its own with `registerKernel`.
 */

/** Backends kernels can be registered for. */
export type BackendName = 'js' | 'wasm' | 'webgpu';

export const BACKEND_NAMES: readonly BackendName[] = ['js', 'wasm', 'webgpu'];

/** What a backend's kernel returns when it does not take a call: the reference runs instead. */
export const DECLINED: unique symbol = Symbol('fovea.declined');

// biome-ignore lint/suspicious/noExplicitAny: kernels of every signature share one table.
type AnyKernel = (...args: any[]) => any;

/** A backend's version of a kernel: the reference's signature, or DECLINED. */
export type BackendKernel<F extends AnyKernel> = (...args: Parameters<F>) => ReturnType<F> | typeof DECLINED;

/** One kernel call, as `traceKernels` lists it. */
export interface KernelRun {
  readonly kernel: string;
  /** The backend whose kernel computed the result. */
  readonly backend: BackendName;
  /** The backend in effect, when it differs: its kernel was missing or declined the call. */
  readonly fellBackFrom?: BackendName;
}

const kernels = new Map<string, Map<BackendName, AnyKernel>>();
let selected: BackendName = typeof WebAssembly === 'object' ? 'wasm' : 'js';
let trace: KernelRun[] | null = null;

/** The backend whose kernels run (see backend.ts for `setBackend`, which validates and loads it). */
export function selectedBackend(): BackendName {
  return selected;
}

/** @internal Makes `backend` the one in effect; backend.ts checks that it can run first. */
export function selectBackend(backend: BackendName): void {
  selected = backend;
}

/**
 * Registers `kernel` as `backend`'s implementation of the kernel `name`, replacing any earlier
 * one. A 'js' kernel is the reference every other backend falls back to.
 */
export function registerKernel<F extends AnyKernel>(
  name: string,
  backend: BackendName,
  kernel: BackendKernel<F>,
): void {
  if (!BACKEND_NAMES.includes(backend)) {
    throw new Error(`registerKernel: unknown backend ${JSON.stringify(backend)} for kernel ${name}`);
  }
  let byBackend = kernels.get(name);
  if (byBackend === undefined) {
    byBackend = new Map();
    kernels.set(name, byBackend);
  }
  byBackend.set(backend, kernel);
}

/** The backends with a kernel registered under `name` ('js' first when it has one). */
export function kernelBackends(name: string): BackendName[] {
  const byBackend = kernels.get(name);
  return byBackend === undefined ? [] : BACKEND_NAMES.filter((b) => byBackend.has(b));
}

/** Names of every kernel registered so far. */
export function registeredKernels(): string[] {
  return [...kernels.keys()].sort();
}

/**
 * Defines the kernel `name`: registers `reference` for 'js' and each of `backends`, and returns
 * the function ops call, which runs the kernel of the backend in effect. Call it as
 * `/* @__PURE__ *\/ defineKernel(...)` at the top of a module, so an unused kernel is dropped.
 */
export function defineKernel<F extends AnyKernel>(
  name: string,
  reference: F,
  backends: Partial<Record<Exclude<BackendName, 'js'>, BackendKernel<F>>> = {},
): F {
  registerKernel<F>(name, 'js', reference);
  for (const [backend, kernel] of Object.entries(backends)) {
    registerKernel<F>(name, backend as BackendName, kernel);
  }
  const byBackend = kernels.get(name)!;
  const run = (...args: Parameters<F>): ReturnType<F> => {
    const backend = selected;
    if (backend !== 'js') {
      const kernel = byBackend.get(backend);
      if (kernel !== undefined) {
        const result = kernel(...args);
        if (result !== DECLINED) {
          trace?.push({ kernel: name, backend });
          return result;
        }
      }
      trace?.push({ kernel: name, backend: 'js', fellBackFrom: backend });
    } else {
      trace?.push({ kernel: name, backend: 'js' });
    }
    return (byBackend.get('js') ?? reference)(...args);
  };
  return run as F;
}

/**
 * Runs `fn` and lists the kernels it ran, in order, with the backend that computed each (a
 * debugging aid: which calls fell back to the reference, and why results differ by backend).
 */
export function traceKernels<T>(fn: () => T): { result: T; kernels: KernelRun[] } {
  const outer = trace;
  const runs: KernelRun[] = [];
  trace = runs;
  try {
    const result = fn();
    return { result, kernels: runs };
  } finally {
    outer?.push(...runs);
    trace = outer;
  }
}
