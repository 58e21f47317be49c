import { onHostWritten } from '../resident.js';

/**
 * Recent kernel results, and whole inputs copied in, kept in WebAssembly memory after their
 * call, so that the kernel which reads one next (LeNet's sigmoid after its convolution, the
 * pooling after the sigmoid, the backward of each; a conv's input again in its weight gradient,
 * a weight in every call until the optimizer writes it) finds it there instead of copying it in
 * again: copies in and out of the memory took 30% of the calling thread in a 2-thread LeNet
 * epoch. The host array stays the data; a copy here is only a cache of it, valid until the
 * ring's space is reused or the array is written in place (`Storage.markWritten`,
 * kernels/resident.ts).
 *
 * The ring hands out its space in order and wraps, overwriting the oldest copies first. Copies
 * a call reads, and results it places, are kept until the call ends (`endCall`). It starts small
 * and doubles, up to its limit, after a call looked for a result whose space had been reused or
 * made a result larger than half of it: a workload's results then stay until they are read
 * again, and a small workload takes little memory. Inputs' copies never make it grow.
 */

/** A copy in the ring: bytes [ptr, ptr + bytes) of the memory. */
interface Copy {
  readonly ring: ResidentRing;
  readonly ptr: number;
  readonly bytes: number;
  /** False once its space is reused or its host array is written, or the ring grew. */
  valid: boolean;
  /** True once its space is reused: looking for it then shows the ring is too small. */
  overwritten: boolean;
  /**
   * A kernel's result, whose loss grows the ring; an input's copy stays only while there is
   * room (inputs would grow the ring for arrays held across many calls, as a network's input
   * batch between its forward and its weight gradient, for little gain).
   */
  result: boolean;
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
  /** Copies looked for, or results placed, since the last call ended that wanted a larger ring. */
  private wanted = 0;

  /**
   * The ring is bytes [start, start + size) of the memory, `size` growing to `limit` (both
   * multiples of 64).
   */
  constructor(
    readonly start: number,
    private size: number,
    readonly limit: number,
  ) {
    this.head = start;
  }

  /** One past the ring's last byte (it moves when the ring grows, between calls). */
  get end(): number {
    return this.start + this.size;
  }

  /** The address of the copy of `array` held here, kept until the call ends; -1 without one. */
  find(array: Float32Array): number {
    const copy = copies.get(array);
    if (copy === undefined || copy.ring !== this) return -1;
    if (!copy.valid) {
      if (copy.overwritten && copy.result) this.wanted++;
      return -1;
    }
    copy.call = this.call;
    return copy.ptr;
  }

  /**
   * Space for a result of `bytes` that outlives the call; -1 when it would take more than half
   * the ring or overwrite a copy the call reads.
   */
  place(bytes: number): number {
    const size = Math.ceil(bytes / ALIGN) * ALIGN;
    if (size === 0) return -1;
    if (size > this.size / 2) {
      if (size <= this.limit / 2) this.wanted++;
      return -1;
    }
    let at = this.head;
    if (at + size > this.end) {
      if (!this.reuse(at, this.end)) return -1;
      at = this.start;
    }
    if (!this.reuse(at, at + size)) return -1;
    const copy: Copy = {
      ring: this,
      ptr: at,
      bytes: size,
      valid: true,
      overwritten: false,
      result: true,
      call: this.call,
    };
    this.queue.push(copy);
    this.placed.push(copy);
    this.head = at + size;
    return at;
  }

  /**
   * Ties `array`, which now holds the result placed at `ptr` during this call (or, with `input`,
   * whose values were copied there), to that copy.
   */
  keep(array: Float32Array, ptr: number, input = false): void {
    for (const copy of this.placed) {
      if (copy.ptr === ptr && copy.bytes >= array.byteLength) {
        copy.result = !input;
        const old = copies.get(array);
        if (old !== undefined && old !== copy) old.valid = false;
        copies.set(array, copy);
        return;
      }
    }
  }

  /**
   * Ends a call: its copies may be overwritten from now on. After a call that missed a copy for
   * want of space the ring doubles (up to its limit), starting empty.
   */
  endCall(): void {
    this.call++;
    this.placed.length = 0;
    if (this.wanted > 0 && this.size < this.limit) {
      this.size = Math.min(2 * this.size, this.limit);
      for (const copy of this.queue) copy.valid = false;
      this.queue.length = 0;
      this.head = this.start;
    }
    this.wanted = 0;
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
      oldest.overwritten = true;
      queue.shift();
    }
    return true;
  }
}
