import { argumentError, describe } from '../checks.js';
import { type DeviceBuffer, isDeviceBuffer } from '../storage.js';

/**
 * The kernel registry: every op's arithmetic runs in a kernel registered under a name for a
 * backend, in the spirit of tfjs-core's registry. Ops call the function `defineKernel` binds;
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
 *
 * A definition is a module binding the registry rebinds whenever the choice changes (a backend
 * selected, a kernel registered, a trace begun or ended): to the reference itself when nothing
 * else could run and nothing is traced, so the chapter's small ops pay no dispatch at all, and
 * otherwise to a dispatcher that tries the backend's kernel first.
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
  /** The kernel's registered name (`'conv2dForward'`, `'gemm'`). */
  readonly kernel: string;
  /** The backend whose kernel computed the result. */
  readonly backend: BackendName;
  /** The backend in effect, when it differs: its kernel was missing or declined the call. */
  readonly fellBackFrom?: BackendName;
}

/** A kernel's implementations by backend, and the bindings ops call it through. */
interface KernelEntry {
  readonly name: string;
  readonly implementations: Partial<Record<BackendName, AnyKernel>>;
  /** The dispatcher: tries the selected backend's kernel, then the reference; records traces. */
  dispatch: AnyKernel | null;
  readonly binds: ((kernel: AnyKernel) => void)[];
}

const kernels = new Map<string, KernelEntry>();
let selected: BackendName = typeof WebAssembly === 'object' ? 'wasm' : 'js';
let trace: KernelRun[] | null = null;

/** The backend whose kernels run (see backend.ts for `setBackend`, which validates and loads it). */
export function selectedBackend(): BackendName {
  return selected;
}

/** @internal Makes `backend` the one in effect; backend.ts checks that it can run first. */
export function selectBackend(backend: BackendName): void {
  selected = backend;
  for (const entry of kernels.values()) rebind(entry);
}

function entryOf(name: string): KernelEntry {
  let entry = kernels.get(name);
  if (entry === undefined) {
    entry = { name, implementations: {}, dispatch: null, binds: [] };
    kernels.set(name, entry);
  }
  return entry;
}

function dispatcher(entry: KernelEntry): AnyKernel {
  const { name, implementations } = entry;
  // `arguments` and `apply` rather than rest and spread: V8 passes them on without building an
  // array.
  return function dispatch(this: unknown) {
    const backend = selected;
    if (backend !== 'js') {
      const kernel = implementations[backend];
      if (kernel !== undefined) {
        // biome-ignore lint/complexity/noArguments: see above.
        const result = kernel.apply(this, arguments as unknown as unknown[]);
        if (result !== DECLINED) {
          trace?.push({ kernel: name, backend });
          return result;
        }
      }
      // biome-ignore lint/complexity/noArguments: see above.
      if (backend === 'webgpu') refuseDeviceOperands(name, arguments);
      trace?.push({ kernel: name, backend: 'js', fellBackFrom: backend });
    } else {
      trace?.push({ kernel: name, backend: 'js' });
    }
    // biome-ignore lint/complexity/noArguments: see above.
    return implementations.js!.apply(this, arguments as unknown as unknown[]);
  };
}

/**
 * The reference reads host arrays: a call with an operand on a device that no kernel of that
 * device took fails here, saying how to move it, rather than reading garbage.
 */
function refuseDeviceOperands(name: string, args: ArrayLike<unknown>): void {
  const onDevice = Array.prototype.find.call(args, isDeviceBuffer) as DeviceBuffer | undefined;
  if (onDevice === undefined) return;
  throw new Error(
    `${name}: no ${onDevice.device} kernel takes this call and an operand lives on ${onDevice.device}; ` +
      'move the tensors to host memory with `await t.cpu()` first (traceKernels lists which kernels ran where)',
  );
}

/** What ops should call for `entry` now: the reference alone when nothing else could run. */
function current(entry: KernelEntry): AnyKernel {
  // Under 'webgpu' every call goes through the dispatcher, which refuses device operands to the
  // reference (refuseDeviceOperands) even for a kernel with no webgpu version.
  const direct =
    trace === null &&
    (selected === 'js' || (selected !== 'webgpu' && entry.implementations[selected] === undefined));
  if (direct) return entry.implementations.js!;
  entry.dispatch ??= dispatcher(entry);
  return entry.dispatch;
}

function rebind(entry: KernelEntry): void {
  if (entry.binds.length === 0 || entry.implementations.js === undefined) return;
  const kernel = current(entry);
  for (const bind of entry.binds) bind(kernel);
}

/**
 * Registers `kernel` as `backend`'s implementation of the kernel `name`, replacing any earlier
 * one. A 'js' kernel is the reference every other backend falls back to. This is how a backend
 * shipped separately adds its kernels.
 *
 * @param name - The kernel's name, as {@link registeredKernels} lists it.
 * @param backend - `'js'`, `'wasm'` or `'webgpu'`.
 * @param kernel - A function with the reference's signature; it may return the registry's
 * DECLINED symbol for a call it does not take, and the reference runs instead.
 */
export function registerKernel<F extends AnyKernel>(
  name: string,
  backend: BackendName,
  kernel: BackendKernel<F>,
): void {
  if (typeof name !== 'string' || name === '') {
    throw argumentError('registerKernel', 'name', 'a non-empty string', name);
  }
  if (!BACKEND_NAMES.includes(backend)) {
    const got = typeof backend === 'string' ? JSON.stringify(backend) : describe(backend);
    throw new Error(`registerKernel: unknown backend ${got} for kernel ${name}`);
  }
  if (typeof kernel !== 'function') throw argumentError('registerKernel', 'kernel', 'a function', kernel);
  const entry = entryOf(name);
  entry.implementations[backend] = kernel;
  rebind(entry);
}

/**
 * The backends with a kernel registered under `name` ('js' first when it has one).
 *
 * @param name - A kernel's name.
 * @returns The backends, `[]` for an unknown name: `kernelBackends('gemm')` is `['js', 'wasm']` here.
 */
export function kernelBackends(name: string): BackendName[] {
  const entry = kernels.get(name);
  return entry === undefined ? [] : BACKEND_NAMES.filter((b) => entry.implementations[b] !== undefined);
}

/**
 * Names of every kernel registered so far (an op's kernels register when its module loads).
 *
 * @returns The names.
 */
export function registeredKernels(): string[] {
  return [...kernels.keys()].sort();
}

/**
 * Defines the kernel `name`: registers `reference` for 'js' and each of `backends`, and returns
 * what ops should call now. `bind` receives what they should call whenever that changes; write
 * a definition as a module binding that `bind` reassigns, marked pure so an unused kernel is
 * dropped:
 *
 *   export let gemm = defineKernel('gemm', reference, { wasm }, (k) => { gemm = k; });
 *   (with the pure annotation before the call, as kernels/registered/ writes it)
 */
export function defineKernel<F extends AnyKernel>(
  name: string,
  reference: F,
  backends: Partial<Record<Exclude<BackendName, 'js'>, BackendKernel<F>>>,
  bind: (kernel: F) => void,
): F {
  const entry = entryOf(name);
  entry.implementations.js = reference;
  for (const [backend, kernel] of Object.entries(backends)) {
    entry.implementations[backend as BackendName] = kernel;
  }
  entry.binds.push(bind as (kernel: AnyKernel) => void);
  return current(entry) as F;
}

function rebindAll(): void {
  for (const entry of kernels.values()) rebind(entry);
}

/** @internal Lists a kernel a device ran outside the registry (ops/fused-steps.ts) in the trace. */
export function noteKernelRun(kernel: string, backend: BackendName): void {
  trace?.push({ kernel, backend });
}

/**
 * Runs `fn` and lists the kernels it ran, in order, with the backend that computed each (a
 * debugging aid: which calls fell back to the reference, and why results differ by backend).
 *
 * @param fn - The computation to trace.
 * @returns What `fn` returned, and the kernel calls in order.
 *
 * @example
 * ```ts
 * import { conv2d, ones, traceKernels } from '@fovea/tensor';
 *
 * const { kernels } = traceKernels(() => conv2d(ones([1, 1, 4, 4]), ones([1, 1, 3, 3])));
 * kernels.map((run) => run.kernel); // ['conv2dForward']
 * ```
 */
export function traceKernels<T>(fn: () => T): { result: T; kernels: KernelRun[] } {
  if (typeof fn !== 'function')
    throw new Error(`traceKernels: argument 'fn' must be a function, got ${typeof fn}`);
  const outer = trace;
  const runs: KernelRun[] = [];
  trace = runs;
  if (outer === null) rebindAll();
  try {
    const result = fn();
    return { result, kernels: runs };
  } finally {
    outer?.push(...runs);
    trace = outer;
    if (outer === null) rebindAll();
  }
}
