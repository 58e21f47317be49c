import { checkInteger, describe } from '../checks.js';
import { selectBackend, selectedBackend } from './registry.js';
import { embeddedBinary } from './wasm/embedded.js';
import { WasmRuntime } from './wasm/runtime.js';
import { availableCores, ThreadPool, threadsAvailable } from './wasm/threads.js';

/**
 * Which backend's kernels run (registry.ts): 'wasm' (WebAssembly SIMD, assembly/, the default
 * wherever WebAssembly exists) or 'js' (the TypeScript reference kernels, which also run every
 * call a WebAssembly kernel declines: float64, and calls too small to be worth a copy into
 * WebAssembly memory). The module is instantiated on first use; if that fails, Fovea warns once
 * and runs the reference.
 *
 * The embedded binary is loaded by the conv2d and pooling kernels (registered/conv2d.ts,
 * registered/pool2d.ts) and by `setBackend`/`getBackend`, never by code every Tensor reaches
 * (matmul, elementwise ops), so a tree-shaken program that uses neither (corr2d alone) does not
 * carry it. The GEMM and elementwise kernels use WebAssembly once it is loaded and the reference
 * before: the two compute bit-identical float32 results (kernels/matmul.ts follows the
 * WebAssembly GEMM's order of operations), so results never depend on what ran before. The
 * conv2d kernels, which always load the module, may differ from the reference: where the
 * relaxed-SIMD build loads (wasm/embedded.ts), they fuse their GEMM's multiply-adds.
 */
export type Backend = 'js' | 'wasm' | 'webgpu';
/** undefined: not tried yet; null: instantiation failed. */
let runtime: WasmRuntime | null | undefined;
let warned = false;
let threads = 0;
let pool: ThreadPool | null = null;
/** Replaces the embedded binary on the next instantiation (tests of the fallback). */
let binaryOverride: Uint8Array<ArrayBuffer> | undefined;
let binarySource: ((shared: boolean) => Uint8Array<ArrayBuffer>) | null = null;

/** Makes the embedded WebAssembly kernels available to the next instantiation. */
export function loadEmbeddedWasm(): void {
  binarySource ??= embeddedBinary;
}

function instantiate(): WasmRuntime | null {
  if (runtime !== undefined) return runtime;
  const source = binarySource;
  if (source === null && binaryOverride === undefined) return null;
  try {
    const shared = threadsAvailable();
    runtime = new WasmRuntime(shared, binaryOverride ?? source!(shared));
  } catch (error) {
    runtime = null;
    if (!warned) {
      warned = true;
      const why = error instanceof Error ? error.message : String(error);
      console.warn(`fovea: WebAssembly kernels unavailable (${why}); using the JavaScript kernels`);
    }
  }
  return runtime;
}

/**
 * Selects the kernels. 'js' and 'wasm' take effect at once: selecting 'wasm' instantiates the
 * module now; if that fails, a warning is printed (once) and the reference kernels stay in use.
 * 'webgpu' is awaited: it finds an adapter (`navigator.gpu`, or the optional `webgpu` package in
 * Node) and opens a device; where there is none it throws, naming what it tried, and the
 * previous backend stays in effect. Returns the backend in effect.
 *
 * @param backend - `'js'` or `'wasm'`.
 * @returns The backend in effect: `'js'` when 'wasm' was asked for but cannot run here.
 *
 * @example
 * ```ts
 * import { getBackend, setBackend } from '@fovea/tensor';
 *
 * setBackend('js'); // 'js'
 * getBackend(); // 'js'
 * setBackend('wasm'); // the default again, where WebAssembly runs
 * ```
 */
export function setBackend(backend: 'js' | 'wasm'): Backend;
/**
 * Selects the 'webgpu' backend, once a GPU adapter and device are found (see the first form).
 *
 * @param backend - `'webgpu'`.
 * @returns A promise of the backend in effect; it rejects, leaving the previous backend in
 * effect, when no adapter is found.
 */
export function setBackend(backend: 'webgpu'): Promise<Backend>;
/**
 * Selects a backend named at run time (see the first form).
 *
 * @param backend - `'js'`, `'wasm'` or `'webgpu'`.
 * @returns The backend in effect, or a promise of it for 'webgpu'.
 */
export function setBackend(backend: Backend): Backend | Promise<Backend>;
export function setBackend(backend: Backend): Backend | Promise<Backend> {
  if (backend === 'webgpu') return selectWebGpu();
  if (backend !== 'js' && backend !== 'wasm') {
    const got = typeof backend === 'string' ? JSON.stringify(backend) : describe(backend);
    throw new Error(`setBackend: expected 'js', 'wasm' or 'webgpu', got ${got}`);
  }
  selectBackend(backend);
  return getBackend();
}

async function selectWebGpu(): Promise<Backend> {
  const previous = getBackend();
  try {
    // Imported here so that a program which never asks for a GPU does not carry the backend.
    const { openWebGpu } = await import('../webgpu/backend.js');
    await openWebGpu();
  } catch (error) {
    throw new Error(`setBackend('webgpu'): ${(error as Error).message}. The backend stays '${previous}'.`);
  }
  selectBackend('webgpu');
  return 'webgpu';
}

/**
 * The backend in effect: 'wasm' only if it was selected (the default) and instantiates.
 *
 * @returns `'js'`, `'wasm'` or `'webgpu'`.
 */
export function getBackend(): Backend {
  const selected = selectedBackend();
  if (selected === 'js' || selected === 'webgpu') return selected;
  loadEmbeddedWasm();
  return instantiate() === null ? 'js' : 'wasm';
}

/** Oversubscription allowed per core: more threads than this only cost memory and switching. */
export const THREADS_PER_CORE = 4;

/**
 * The most threads `setNumThreads` accepts: {@link THREADS_PER_CORE} times the available cores.
 *
 * @returns The limit.
 */
export function maxThreads(): number {
  return THREADS_PER_CORE * availableCores();
}

/**
 * Threads the WebAssembly kernels may use, the calling thread included (PyTorch's
 * `torch.set_num_threads`). Defaults to the available cores; 1 turns the worker pool off.
 * Threads need shared WebAssembly memory: Node, or a cross-origin isolated page.
 *
 * @param n - The number of threads, from 1 to {@link maxThreads}.
 */
export function setNumThreads(n: number): void {
  checkInteger('setNumThreads', 'n', n, 1);
  // Every core allows THREADS_PER_CORE threads, so a count up to that needs no look at the cores
  // (`os.availableParallelism()` costs about a microsecond, as much as a chapter-size op).
  const limit = n <= THREADS_PER_CORE ? THREADS_PER_CORE : maxThreads();
  if (n > limit) {
    throw new Error(
      `setNumThreads: ${n} threads is more than the maximum of ${limit} (${THREADS_PER_CORE} per available core, ${availableCores()} here)`,
    );
  }
  threads = n;
  if (pool !== null && pool.workers !== n - 1) {
    pool.terminate();
    pool = null;
  }
}

/**
 * Threads the WebAssembly kernels use, PyTorch's `torch.get_num_threads`.
 *
 * @returns The number set (the available cores by default), or 1 where shared memory and
 * workers are unavailable.
 */
export function getNumThreads(): number {
  if (threads === 0) threads = availableCores();
  return threadsAvailable() ? threads : 1;
}

/**
 * The runtime when float32 work should go to WebAssembly now, else null. GEMM and elementwise
 * kernels call this alone; the conv2d and pooling kernels call `loadEmbeddedWasm` first.
 */
export function wasmRuntime(): WasmRuntime | null {
  return selectedBackend() === 'wasm' ? instantiate() : null;
}

/** The pool for `getNumThreads()` threads (more than one), started on first use. */
export function threadPool(rt: WasmRuntime): ThreadPool | null {
  const n = getNumThreads();
  if (n <= 1 || !rt.shared) return null;
  // A pool whose worker died (reported by the call it died in) is replaced, not reused.
  if (pool?.dead) {
    pool.terminate();
    pool = null;
  }
  if (pool === null) pool = new ThreadPool(rt, n - 1);
  return pool;
}

/**
 * For tests: forget the instance (and stop the pool), so the next call instantiates again,
 * from `binary` instead of the embedded module when given; the warning may print again.
 */
export function resetWasmForTesting(binary?: Uint8Array<ArrayBuffer>): void {
  pool?.terminate();
  pool = null;
  runtime = undefined;
  warned = false;
  binaryOverride = binary;
}
