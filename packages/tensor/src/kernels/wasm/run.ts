import { getNumThreads, threadPool } from '../backend.js';
import { limits } from './limits.js';
import type { ItemKernel, WasmRuntime } from './runtime.js';

/**
 * Threads a call of `flops` that writes `outputs` floats may use. A call with little arithmetic
 * per output element stays on one thread: its time goes to copying and to touching the fresh
 * memory of its result, and first touches cost about three times as much while another thread
 * of the process runs (measured here: 1.6 MB took 55 us alone, 520 us beside a busy worker).
 */
export function threadsFor(rt: WasmRuntime, flops: number, outputs = 0): number {
  if (flops < limits.parallelFlops || !rt.shared) return 1;
  if (flops < limits.parallelFlopsPerOutput * outputs) return 1;
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
