/// <reference types="@webgpu/types" />

/**
 * The storage buffers of one device, reused by size. A buffer returns to the pool when its
 * owner is released explicitly (`GpuArray.destroy`, `Tensor.dispose`) or garbage collected (a
 * FinalizationRegistry): a training loop whose shapes repeat then reuses the buffers of the
 * iterations before instead of waiting for the collector to free the GPU's memory, which it
 * does not see. Idle buffers beyond `maxIdleBytes` are destroyed rather than kept.
 */

/** Bytes of device memory the pool accounts for. */
export interface GpuMemoryStats {
  /** Held by arrays not yet released. */
  readonly liveBytes: number;
  /** Released, kept for reuse. */
  readonly idleBytes: number;
  /** Buffers created since the device was opened (a loop that reuses creates none). */
  readonly created: number;
}

interface Held {
  readonly buffer: GPUBuffer;
  readonly size: number;
}

/** 256 MiB of idle buffers at most. */
const DEFAULT_MAX_IDLE_BYTES = 256 * 1024 * 1024;

export class BufferPool {
  private readonly idle = new Map<number, GPUBuffer[]>();
  private idleBytes = 0;
  private liveBytes = 0;
  private created = 0;
  private readonly collected = new FinalizationRegistry<Held>((held) => this.release(held));

  constructor(
    private readonly device: GPUDevice,
    readonly maxIdleBytes = DEFAULT_MAX_IDLE_BYTES,
  ) {}

  /**
   * A storage buffer of `size` bytes, reused when one is idle (`reused` then: its old contents
   * are still there); `watch` its owner next.
   */
  acquire(size: number): { buffer: GPUBuffer; reused: boolean } {
    const kept = this.idle.get(size);
    let buffer = kept?.pop();
    const reused = buffer !== undefined;
    if (buffer !== undefined) {
      this.idleBytes -= size;
    } else {
      buffer = this.device.createBuffer({
        size,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      this.created++;
    }
    this.liveBytes += size;
    return { buffer, reused };
  }

  /** Returns `buffer` to the pool when `owner` is garbage collected, unless released before. */
  watch(owner: object, buffer: GPUBuffer, size: number): void {
    this.collected.register(owner, { buffer, size }, owner);
  }

  /** Returns `owner`'s buffer now; commands already submitted still run before any reuse. */
  releaseNow(owner: object, buffer: GPUBuffer, size: number): void {
    if (this.collected.unregister(owner)) this.release({ buffer, size });
  }

  private release({ buffer, size }: Held): void {
    this.liveBytes -= size;
    if (this.idleBytes + size > this.maxIdleBytes) {
      buffer.destroy();
      return;
    }
    let kept = this.idle.get(size);
    if (kept === undefined) {
      kept = [];
      this.idle.set(size, kept);
    }
    kept.push(buffer);
    this.idleBytes += size;
  }

  /** Destroys every idle buffer (live ones stay). */
  trim(): void {
    for (const kept of this.idle.values()) for (const buffer of kept) buffer.destroy();
    this.idle.clear();
    this.idleBytes = 0;
  }

  stats(): GpuMemoryStats {
    return { liveBytes: this.liveBytes, idleBytes: this.idleBytes, created: this.created };
  }
}
