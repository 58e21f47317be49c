import type { WasmRuntime } from './runtime.js';

/** Floats per block: a few blocks of 16 KB stay in the first-level cache of this machine's cores. */
const BLOCK = 4096;

/**
 * Runs an elementwise WebAssembly kernel over float32 arrays of one length a block at a time:
 * `compute(pointers, out, length)` reads a block of each input and writes the block of the
 * result at `out`, which is copied into `out` while it is still in cache. Whole arrays copied in,
 * computed and copied out went through main memory three times (LeNet's first activation is
 * 4.8 MB at batch 256). An input the memory still holds from the call that made it
 * (resident-ring.ts) is read where it is; the others are copied in a block at a time. The result
 * goes to the ring when it has room, so that the next kernel finds it there.
 *
 * `overFirst`: the kernel writes its result over the first input's block (an in-place update,
 * `out` the first input), which is then always copied in.
 */
export function throughBlocks(
  rt: WasmRuntime,
  inputs: readonly Float32Array[],
  out: Float32Array,
  compute: (pointers: readonly number[], out: number, length: number) => void,
  overFirst = false,
): void {
  const n = out.length;
  const block = Math.min(n, BLOCK);
  const held = inputs.map((input, i) => (overFirst && i === 0 ? -1 : rt.held(input)));
  const buffers = held.map((ptr) => (ptr >= 0 ? -1 : rt.alloc(block * 4)));
  const kept = overFirst ? -1 : rt.place(n * 4);
  const outBuffer = kept >= 0 || overFirst ? -1 : rt.alloc(block * 4);
  const memory = rt.floats;
  const pointers = new Array<number>(inputs.length);
  for (let start = 0; start < n; start += BLOCK) {
    const length = Math.min(BLOCK, n - start);
    for (let i = 0; i < inputs.length; i++)
      pointers[i] = blockAt(rt, inputs[i], held[i], buffers[i], start, length);
    const at = kept >= 0 ? kept + start * 4 : overFirst ? pointers[0] : outBuffer;
    compute(pointers, at, length);
    out.set(memory.subarray(at >> 2, (at >> 2) + length), start);
  }
  if (kept >= 0) rt.keep(out, kept);
  rt.calls++;
}

/**
 * The address of floats [start, start + length) of `input` in the module's memory: inside its
 * copy at `held` (from `rt.held`) when the memory holds one, else copied now into `buffer`.
 */
export function blockAt(
  rt: WasmRuntime,
  input: Float32Array,
  held: number,
  buffer: number,
  start: number,
  length: number,
): number {
  if (held >= 0) return held + start * 4;
  rt.floats.set(input.subarray(start, start + length), buffer >> 2);
  return buffer;
}
