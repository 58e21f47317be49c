import type { WasmRuntime } from './runtime.js';

/** Floats per block: a few blocks of 16 KB stay in the first-level cache of this machine's cores. */
const BLOCK = 4096;

/**
 * Runs an elementwise WebAssembly kernel over float32 arrays of one length a block at a time:
 * each block of `inputs` is copied into the module's memory, `compute(pointers, length)` writes
 * its result over the first input's block, which is copied into `out` while it is still in cache.
 * Whole arrays copied in, computed and copied out went through main memory three times (LeNet's
 * first activation is 4.8 MB at batch 256). `out` may be the first input (an in-place update).
 */
export function throughBlocks(
  rt: WasmRuntime,
  inputs: readonly Float32Array[],
  out: Float32Array,
  compute: (pointers: readonly number[], length: number) => void,
): void {
  const n = out.length;
  const block = Math.min(n, BLOCK);
  const pointers = inputs.map(() => rt.alloc(block * 4));
  const memory = rt.floats;
  const first = pointers[0] >> 2;
  for (let start = 0; start < n; start += BLOCK) {
    const length = Math.min(BLOCK, n - start);
    inputs.forEach((input, i) => {
      memory.set(input.subarray(start, start + length), pointers[i] >> 2);
    });
    compute(pointers, length);
    out.set(memory.subarray(first, first + length), start);
  }
  rt.calls++;
}
