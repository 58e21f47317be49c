import { onHostWritten } from '../resident.js';

/**
 * Recent kernel results kept in WebAssembly memory after their call, so that the kernel which
 * reads a result next (LeNet's sigmoid after its convolution, the pooling after the sigmoid, the
 * backward of each) finds it there instead of copying it in again: copies in and out of the
 * memory took 30% of the calling thread in a 2-thread LeNet epoch. The host array stays the
 * data; a copy here is only a cache of it, valid until the ring's space is reused or the array
 * is written in place (`Storage.markWritten`, kernels/resident.ts).
 *
 * The ring hands out its space in order and wraps, overwriting the oldest copies first. Copies
 * a call reads, and results it places, are kept until the call ends (`endCall`).
 */

/** A copy in the ring: bytes [ptr, ptr + bytes) of the memory. */
interface Copy {
  readonly ring: ResidentRing;
  readonly ptr: number;
  readonly bytes: number;
  /** False once its space is reused or its host array is written. */
  valid: boolean;
  /** The last call that placed or read it: its space is not reused during that call. */
  call: number;
}

/** The copy of each host array, in whichever ring holds it (tests make runtimes of their own). */
const copies = new WeakMap<object, Copy>();

onHostWritten((array) => {
  const copy = copies.get(array);
  if (copy !== undefined) {
    copy.valid = false;
    copies.delete(array);
  }
});

const ALIGN = 64;

export class ResidentRing {
  /** Copies in the order they were placed: the oldest, whose space is reused next, first. */
  private readonly queue: Copy[] = [];
  /** Where the next result goes. */
  private head: number;
  private call = 1;
  /** Results placed during the current call, not yet tied to their host arrays. */
  private readonly placed: Copy[] = [];

  /** The ring is bytes [start, end) of the memory, 64-byte aligned. */
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    this.head = start;
  }

  /** The address of the copy of `array` held here, kept until the call ends; -1 without one. */
  find(array: Float32Array): number {
    const copy = copies.get(array);
    if (copy === undefined || copy.ring !== this || !copy.valid) return -1;
    copy.call = this.call;
    return copy.ptr;
  }

  /**
   * Space for a result of `bytes` that outlives the call; -1 when it would take more than half
   * the ring or overwrite a copy the call reads.
   */
  place(bytes: number): number {
    const size = Math.ceil(bytes / ALIGN) * ALIGN;
    if (size === 0 || size > (this.end - this.start) / 2) return -1;
    let at = this.head;
    if (at + size > this.end) {
      if (!this.reuse(at, this.end)) return -1;
      at = this.start;
    }
    if (!this.reuse(at, at + size)) return -1;
    const copy: Copy = { ring: this, ptr: at, bytes: size, valid: true, call: this.call };
    this.queue.push(copy);
    this.placed.push(copy);
    this.head = at + size;
    return at;
  }

  /** Ties `array`, which now holds the result placed at `ptr` during this call, to that copy. */
  keep(array: Float32Array, ptr: number): void {
    for (const copy of this.placed) {
      if (copy.ptr === ptr && copy.bytes >= array.byteLength) {
        const old = copies.get(array);
        if (old !== undefined && old !== copy) old.valid = false;
        copies.set(array, copy);
        return;
      }
    }
  }

  /** Ends a call: its copies may be overwritten from now on. */
  endCall(): void {
    this.call++;
    this.placed.length = 0;
  }

  /**
   * Frees [from, to) by dropping the oldest copies that lie in it; false, dropping nothing
   * more, at one the current call holds. The oldest copy lies at or after `head` (it is the
   * first placed after the one that ends at `head`), so the copies to drop are at the queue's
   * front.
   */
  private reuse(from: number, to: number): boolean {
    const queue = this.queue;
    while (queue.length > 0) {
      const oldest = queue[0];
      if (oldest.ptr < from || oldest.ptr >= to) return true;
      if (oldest.call === this.call && oldest.valid) return false;
      oldest.valid = false;
      queue.shift();
    }
    return true;
  }
}
