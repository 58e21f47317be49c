import { getNumThreads, threadPool } from '../backend.js';
import { limits } from './limits.js';
import type { ItemKernel, WasmRuntime } from './runtime.js';

/** Threads a call of `flops` may use. */
export function threadsFor(rt: WasmRuntime, flops: number): number {
  if (flops < limits.parallelFlops || !rt.shared) return 1;
  return getNumThreads();
}

/**
 * Runs items [0, items) of `kernel` on up to `threads` threads, each with `scratchBytes` of
 * scratch; on this thread alone when threads is 1 or no pool is available.
 */
export function runItems(
  rt: WasmRuntime,
  kernel: ItemKernel,
  params: number,
  items: number,
  scratchBytes: number,
  threads: number,
): void {
  const pool = threads > 1 && items > 1 ? threadPool(rt) : null;
  rt.calls++;
  if (pool !== null) {
    pool.run(kernel, params, items, threads, scratchBytes);
    return;
  }
  rt.runItems(kernel, params, 0, items, rt.alloc(scratchBytes));
}
