import { hostWritten } from './kernels/resident.js';

/**
 * Large float32 arrays given back by the autograd engine once the gradient they held is dead,
 * for `allocateForOverwrite` to hand out again instead of allocating. The engine gives back only
 * a gradient nobody else was ever given (@fovea/autograd's `setGradientMemory`): an intermediate
 * gradient of backward, made by a kernel and read by the next node. LeNet's step at batch 256
 * takes 21.6 MB of large results; with the pool, 13.7 MB of them are arrays given back and 7.9 MB
 * new ones, so the garbage collector runs about a third as often. In alternating runs its step
 * was 4% faster at batch 64 and 8-18% at batch 256 (1 and 2 threads), with the same results.
 *
 * Only arrays that `allocateForOverwrite` gave out come back (an array a user made, or one a view
 * of another buffer, never does), and every one it gives out is written in full by its caller,
 * so what an array held before never shows. The pool holds a few arrays of each length and
 * `POOL_BYTES` at most; beyond that a given-back array is left to the garbage collector.
 */

/** At most this many bytes wait in the pool (a step of LeNet at batch 256 reuses 13.7 MB). */
const POOL_BYTES = 32 << 20;
/** At most this many arrays of one length wait: a step's results of one shape, not more. */
const PER_LENGTH = 4;

const waiting = new Map<number, Float32Array[]>();
let waitingBytes = 0;
/** The arrays `allocateForOverwrite` gave out from or for the pool: the only ones it takes back. */
const givenOut = new WeakSet<Float32Array>();

/** A waiting array of `length` elements, or undefined. */
export function takePooled(length: number): Float32Array | undefined {
  const array = waiting.get(length)?.pop();
  if (array !== undefined) waitingBytes -= array.byteLength;
  return array;
}

/** Marks `array`, fresh or taken from the pool, as one the pool may take back. */
export function givenOutForPool(array: Float32Array): Float32Array {
  givenOut.add(array);
  return array;
}

/**
 * Takes back `array`, which nothing reads again, if the pool gave it out and has room. A copy a
 * backend keeps of it (kernels/resident.ts) is dropped: its next owner's values replace it.
 */
export function giveBack(array: unknown): void {
  if (!(array instanceof Float32Array) || !givenOut.delete(array)) return;
  hostWritten(array);
  if (waitingBytes + array.byteLength > POOL_BYTES) return;
  let list = waiting.get(array.length);
  if (list === undefined) waiting.set(array.length, (list = []));
  if (list.length >= PER_LENGTH) return;
  list.push(array);
  waitingBytes += array.byteLength;
}

/** @internal For tests: drops every waiting array. */
export function clearPool(): void {
  waiting.clear();
  waitingBytes = 0;
}
