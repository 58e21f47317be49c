/**
 * One instance of the WebAssembly kernels (assembly/) and its memory. Tensors are copied into
 * the memory for a call and the results copied out; everything a call places there comes from a
 * bump allocator that `reset` empties when the call ends, so buffers are reused from call to call
 * and the memory only grows to the largest call's needs. Results placed with `result`, and whole
 * inputs `write` copies in, stay in a ring below the bump allocator after their call
 * (resident-ring.ts): a later `write` of the same host array finds them there instead of copying
 * them in again.
 */

import { MAXIMUM_PAGES, PARAMS_PTR, SLOT_COUNT } from './abi.generated.js';
import { limits } from './limits.js';
import { compileModule } from './node.js';
import { ResidentRing } from './resident-ring.js';

/** The exports of assembly/index.ts. Pointers are byte offsets into the memory. */
export interface KernelExports {
  gemm(
    M: number,
    N: number,
    K: number,
    alpha: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    beta: number,
    c: number,
    ldc: number,
    scratch: number,
  ): void;
  gemmScratchBytes(M: number, N: number, K: number): number;
  /** 1 in the relaxed-SIMD build (embedded.ts), else 0. */
  relaxedSimd(): number;
  convForwardScratch(params: number): number;
  implicitForwardScratch(params: number): number;
  implicitBackwardWeightScratch(params: number): number;
  convBackwardInputScratch(params: number): number;
  convBackwardWeightScratch(params: number): number;
  directForwardScratch(params: number): number;
  directBackwardInputScratch(params: number): number;
  directBackwardWeightScratch(params: number): number;
  winogradForwardScratch(params: number): number;
  winogradWeightBytes(params: number): number;
  winograd4ForwardScratch(params: number): number;
  winograd4WeightBytes(params: number): number;
  winograd6ForwardScratch(params: number): number;
  winograd6WeightBytes(params: number): number;
  winogradWeightGradScratch(params: number): number;
  winogradWeightGradSumScratch(params: number): number;
}

/**
 * Exports that compute work items [start, end) of a call described by a parameter block, with a
 * thread's own scratch: `(params, start, end, scratch)`. Workers run them by index.
 */
export const ITEM_KERNELS = [
  'gemmItems',
  'convForward',
  'implicitForward',
  'implicitBackwardWeight',
  'convBackwardInput',
  'convBackwardWeight',
  'directForward',
  'directBackwardInput',
  'directBackwardWeight',
  'winogradWeights',
  'winogradForward',
  'winograd4Weights',
  'winograd4Forward',
  'winograd6Weights',
  'winograd6Forward',
  'winogradWeightGrad',
  'winogradWeightGradSum',
  'maxPoolForward',
  'maxPoolBackward',
  'avgPoolForward',
  'avgPoolBackward',
  'sigmoidItems',
  'sigmoidBackwardItems',
] as const;

export type ItemKernel = (typeof ITEM_KERNELS)[number];

type ItemFn = (params: number, start: number, end: number, scratch: number) => void;

const PAGE = 65536;

/** Start of the bump allocator: the module itself keeps no data in its memory. */
const HEAP_BASE = PAGE;

const ALIGN = 64;

/** The ring's first size; it doubles up to `limits.residentBytes` as a workload needs. */
const RING_START_BYTES = 8 << 20;

/** Smaller results are not kept: copying them again costs less than keeping track of them. */
const RESIDENT_MIN_BYTES = 16384;

/** Throws when the ring's copy at `ptr` differs from `data` by a bit (`limits.checkResident`). */
function checkCopy(memory: Float32Array, ptr: number, data: Float32Array): void {
  const held = new Uint32Array(memory.buffer, ptr, data.length);
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < data.length; i++) {
    if (held[i] !== bits[i]) {
      throw new Error(
        `fovea wasm: the copy of an array of ${data.length} floats kept in WebAssembly memory differs from its ` +
          `host array at element ${i}: the array was written without Storage.markWritten`,
      );
    }
  }
}

export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly exports: KernelExports;
  private readonly items: Record<ItemKernel, ItemFn>;
  private f32: Float32Array;
  private i32: Int32Array;
  /** Recent results kept for the kernels that read them next; null when `limits.residentBytes` is 0. */
  private readonly ring: ResidentRing | null;
  /** Start of the bump allocator, above the ring. */
  private base: number;
  private top: number;
  /** Kernel calls run so far (tests check the WebAssembly path really ran). */
  calls = 0;
  /** Whether this is the relaxed-SIMD build, whose conv kernels fuse their GEMM's multiply-adds. */
  readonly relaxedSimd: boolean;

  /**
   * Compiles and instantiates `binary` synchronously (the embedded one is a few tens of
   * kilobytes). `shared`: the binary imports a shared memory, which threads use.
   */
  constructor(
    readonly shared: boolean,
    binary: Uint8Array<ArrayBuffer>,
  ) {
    this.module = compileModule(binary);
    this.memory = shared
      ? new WebAssembly.Memory({ initial: 32, maximum: MAXIMUM_PAGES, shared: true })
      : new WebAssembly.Memory({ initial: 32 });
    const instance = new WebAssembly.Instance(this.module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    const all = instance.exports as Record<string, unknown>;
    const items = {} as Record<ItemKernel, ItemFn>;
    for (const name of ITEM_KERNELS) {
      if (typeof all[name] !== 'function') throw new Error(`fovea wasm: the module has no export ${name}`);
      items[name] = all[name] as ItemFn;
    }
    this.items = items;
    this.relaxedSimd = typeof all.relaxedSimd === 'function' && this.exports.relaxedSimd() === 1;
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    const ringLimit = Math.ceil(limits.residentBytes / PAGE) * PAGE;
    this.ring =
      ringLimit > 0 ? new ResidentRing(HEAP_BASE, Math.min(ringLimit, RING_START_BYTES), ringLimit) : null;
    this.base = this.ring?.end ?? HEAP_BASE;
    this.top = this.base;
  }

  /** `bytes` of uninitialized memory, 64-byte aligned, valid until `reset`. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = ptr + Math.ceil(bytes / ALIGN) * ALIGN;
    this.cover(end);
    this.top = end;
    return ptr;
  }

  /**
   * `bytes` of uninitialized memory for a kernel's result, valid until `reset`; `read` into a
   * whole host array keeps it after the call as that array's copy, where a large enough result
   * finds room in the ring.
   */
  result(bytes: number): number {
    const ptr = this.place(bytes);
    return ptr >= 0 ? ptr : this.alloc(bytes);
  }

  /** Room in the ring for a result of `bytes` that `keep` (or `read`) may keep; -1 without. */
  place(bytes: number): number {
    if (this.ring === null || bytes < RESIDENT_MIN_BYTES) return -1;
    const ptr = this.ring.place(bytes);
    if (ptr >= 0) this.cover(this.ring.end);
    return ptr;
  }

  /** Keeps the result at `ptr` (from `place`), now copied out in full to `out`, as `out`'s copy. */
  keep(out: Float32Array, ptr: number): void {
    this.ring?.keep(out, ptr);
  }

  /** The address of the copy of `data` the ring holds, which the kernel must not write; -1 without one. */
  held(data: Float32Array): number {
    if (this.ring === null || data.length * 4 < RESIDENT_MIN_BYTES) return -1;
    const ptr = this.ring.find(data);
    if (ptr >= 0 && limits.checkResident) checkCopy(this.f32, ptr, data);
    return ptr;
  }

  /** Grows the memory to hold `end` bytes. */
  private cover(end: number): void {
    const size = this.memory.buffer.byteLength;
    if (end > size) {
      const pages = Math.ceil((end - size) / PAGE);
      // Grow by at least a quarter, so a slowly growing workload does not grow on every call.
      const grow = Math.max(pages, Math.ceil(size / PAGE / 4));
      const limit = this.shared ? MAXIMUM_PAGES : 65536;
      const room = limit - size / PAGE;
      if (pages > room) {
        throw new RangeError(`fovea wasm: a kernel needs ${end} bytes, more than WebAssembly memory allows`);
      }
      this.memory.grow(Math.min(grow, room));
      this.f32 = new Float32Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
  }

  /** Frees everything allocated since the last reset. */
  reset(): void {
    if (this.ring !== null) {
      this.ring.endCall();
      // The ring may have grown into what was the allocator's: nothing of a call is left there.
      this.base = this.ring.end;
    }
    this.top = this.base;
  }

  /** Bytes the allocator has handed out since the last reset (tests check it returns to 0). */
  get used(): number {
    return this.top - this.base;
  }

  /**
   * The address of float32 `data` in the memory, which the kernel must not write: a copy held in
   * the ring (an earlier call's result or input), or a copy made now, which a whole array large
   * enough keeps in the ring for the next call that reads it (a conv's input is read again by
   * its weight gradient, a weight by every step until the optimizer writes it).
   */
  write(data: Float32Array, offset = 0, length = data.length - offset): number {
    if (offset === 0 && length === data.length) {
      const held = this.held(data);
      if (held >= 0) return held;
      const placed = this.place(length * 4);
      if (placed >= 0) {
        this.f32.set(data, placed >> 2);
        this.ring!.keep(data, placed, true);
        return placed;
      }
    }
    const ptr = this.alloc(length * 4);
    this.f32.set(
      offset === 0 && length === data.length ? data : data.subarray(offset, offset + length),
      ptr >> 2,
    );
    return ptr;
  }

  /** Copies `length` floats at `ptr` into `out` at `offset`; a whole result stays `out`'s copy (`result`). */
  read(ptr: number, out: Float32Array, offset = 0, length = out.length - offset): void {
    out.set(this.f32.subarray(ptr >> 2, (ptr >> 2) + length), offset);
    if (this.ring !== null && offset === 0 && length === out.length) this.ring.keep(out, ptr);
  }

  /** The current float32 and int32 views of the whole memory (replaced when it grows). */
  get floats(): Float32Array {
    return this.f32;
  }

  get ints(): Int32Array {
    return this.i32;
  }

  /** Fills the parameter block (one per call, below the heap) with `slots` (int32); returns its address. */
  params(slots: ArrayLike<number>): number {
    const base = PARAMS_PTR >> 2;
    this.i32.fill(0, base, base + SLOT_COUNT);
    for (let i = 0; i < slots.length; i++) this.i32[base + i] = slots[i];
    return PARAMS_PTR;
  }

  /** Runs items [start, end) of a kernel on this thread. */
  runItems(kernel: ItemKernel, params: number, start: number, end: number, scratch: number): void {
    this.items[kernel](params, start, end, scratch);
  }
}
