/// <reference types="@webgpu/types" />
import { BufferPool, type GpuMemoryStats } from './buffer-pool.js';
import {
  type GpuAdapterDescription,
  type RequestGpuOptions,
  requestAdapter,
  requestDevice,
} from './device.js';
import { packParams, shaderSource } from './shader.js';

/**
 * The device a program's GPU arrays live on: uploads, readbacks, and compute kernels written as
 * WGSL bodies (kernels/*.ts) that `run` wraps in a common prelude, compiles once per source and
 * workgroup size, and launches one thread per output element.
 */

/** The element types a {@link GpuArray} holds. */
export type GpuDType = 'float32' | 'int32';
type WgslType = 'f32' | 'i32';

const WGSL_TYPE: Record<GpuDType, WgslType> = { float32: 'f32', int32: 'i32' };

/** A storage binding of a kernel: its name in the WGSL body, element type and access. */
export interface KernelBuffer {
  /** Its name in the WGSL body. */
  readonly name: string;
  /** `'f32'` or `'i32'`. */
  readonly type: WgslType;
  /** Read-only, or written. */
  readonly access: 'read' | 'read_write';
}

/**
 * A compute kernel: the body of `main` runs once per thread with `i: i32` its index (threads
 * past the count return first), reading uniform fields as `P.<name>` and the buffers by name.
 */
export interface KernelSource {
  /** The kernel's name, in errors and as its pipeline's key. */
  readonly name: string;
  /** Its storage bindings, in binding order. */
  readonly buffers: readonly KernelBuffer[];
  /** Uniform fields in order, each an i32 or an f32. */
  readonly params: readonly (readonly [string, WgslType])[];
  /** The WGSL of `main`'s body. */
  readonly body: string;
  /** WGSL functions the body calls. */
  readonly helpers?: string;
  /** Threads per workgroup (64 unless a kernel says otherwise). */
  readonly workgroupSize?: number;
}

/** Most workgroups along one dispatch dimension (WebGPU's guaranteed minimum of the limit). */
const MAX_GROUPS_PER_DIM = 65535;

/**
 * A float32 or int32 array in a GPU storage buffer, taken from its device's pool (buffer-pool.ts)
 * and returned there when released or garbage collected.
 */
export class GpuArray {
  private released = false;

  /**
   * Wraps a buffer; arrays are made by {@link WebGpu.upload} and {@link WebGpu.zeros}.
   *
   * @param gpu - The device the buffer belongs to.
   * @param buffer - The storage buffer.
   * @param length - Its length in elements.
   * @param dtype - Its element type.
   */
  constructor(
    readonly gpu: WebGpu,
    readonly buffer: GPUBuffer,
    readonly length: number,
    readonly dtype: GpuDType,
  ) {}

  /**
   * Copies the array back to the CPU (float32 -> Float32Array, int32 -> Int32Array).
   *
   * @returns A promise of the values.
   */
  read(): Promise<Float32Array | Int32Array> {
    return this.gpu.read(this);
  }

  /** Whether `destroy` released the buffer: the array can no longer be read or bound. */
  get isReleased(): boolean {
    return this.released;
  }

  /**
   * Returns the buffer to the pool now rather than when the array is garbage collected; a later
   * use of the array throws. Kernels submitted before still read the old contents.
   */
  destroy(): void {
    if (this.released) return;
    this.released = true;
    this.gpu.releaseBuffer(this);
  }
}

/** One GPU device with its compiled pipelines. Create it with `WebGpu.create()`. */
export class WebGpu {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private lost: string | null = null;
  private uncaptured: string | null = null;
  private readonly onLost = new Set<(error: Error) => void>();
  /** A 4-byte buffer bound where a kernel's optional input (a bias) is absent. */
  private readonly placeholder: GPUBuffer;
  private readonly pool: BufferPool;

  private constructor(
    /** The WebGPU device kernels run on. */
    readonly device: GPUDevice,
    /** What the adapter says it is (a software adapter's timings mean nothing). */
    readonly adapter: GpuAdapterDescription,
  ) {
    this.placeholder = device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE });
    this.pool = new BufferPool(device);
    device.addEventListener('uncapturederror', (event) => {
      this.uncaptured ??= (event as GPUUncapturedErrorEvent).error.message;
    });
  }

  /**
   * Finds an adapter (`navigator.gpu`, else the `webgpu` package in Node) and opens a device.
   * Throws an error naming everything it tried when there is none.
   *
   * @param options - `powerPreference`.
   * @returns A promise of the device.
   */
  static async create(options: RequestGpuOptions = {}): Promise<WebGpu> {
    const { adapter, description } = await requestAdapter(options);
    let gpu: WebGpu | null = null;
    const device = await requestDevice(adapter, (message) => gpu?.markLost(message));
    gpu = new WebGpu(device, description);
    return gpu;
  }

  private markLost(message: string): void {
    this.lost = message;
    const error = this.lostError();
    for (const reject of this.onLost) reject(error);
    this.onLost.clear();
  }

  private lostError(): Error {
    return new Error(`WebGPU: the device was lost (${this.lost}); create a new one with WebGpu.create()`);
  }

  private checkAlive(op: string): void {
    if (this.lost !== null) throw new Error(`${op}: ${this.lostError().message}`);
  }

  /** Largest array, in elements, one storage binding can hold on this device. */
  get maxElements(): number {
    return Math.floor(this.device.limits.maxStorageBufferBindingSize / 4);
  }

  /** A new array of `length` elements on a pooled buffer; `reused` when its old contents remain. */
  private allocate(op: string, length: number, dtype: GpuDType): { array: GpuArray; reused: boolean } {
    this.checkAlive(op);
    if (!Number.isInteger(length) || length < 0) {
      throw new Error(`${op}: length must be a non-negative integer, got ${length}`);
    }
    if (length > this.maxElements) {
      throw new Error(
        `${op}: ${length} elements exceed this device's largest storage buffer (${this.maxElements} elements)`,
      );
    }
    const size = bufferSize(length);
    const { buffer, reused } = this.pool.acquire(size);
    const array = new GpuArray(this, buffer, length, dtype);
    this.pool.watch(array, buffer, size);
    return { array, reused };
  }

  /** @internal Returns a released array's buffer to the pool (GpuArray.destroy). */
  releaseBuffer(array: GpuArray): void {
    this.pool.releaseNow(array, array.buffer, bufferSize(array.length));
  }

  /** Device memory in pooled buffers: held by live arrays, and idle for reuse. */
  memory(): GpuMemoryStats {
    return this.pool.stats();
  }

  /**
   * A new GPU array holding a copy of `data`.
   *
   * @param data - The values.
   * @returns The array.
   */
  upload(data: Float32Array | Int32Array): GpuArray {
    const dtype: GpuDType = data instanceof Int32Array ? 'int32' : 'float32';
    if (!(data instanceof Float32Array) && dtype !== 'int32') {
      throw new Error(`WebGpu.upload: expected a Float32Array or an Int32Array`);
    }
    const { array } = this.allocate('WebGpu.upload', data.length, dtype);
    this.device.queue.writeBuffer(array.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return array;
  }

  /**
   * A new GPU array of `length` zeros (a reused buffer is cleared on the queue first).
   *
   * @param length - Its length in elements.
   * @param dtype - `'float32'` (the default) or `'int32'`.
   * @returns The array.
   */
  zeros(length: number, dtype: GpuDType = 'float32'): GpuArray {
    const { array, reused } = this.allocate('WebGpu.zeros', length, dtype);
    if (reused) {
      const encoder = this.device.createCommandEncoder();
      encoder.clearBuffer(array.buffer);
      this.device.queue.submit([encoder.finish()]);
    }
    return array;
  }

  /**
   * Copies `array` back to the CPU; rejects (never hangs) if the device is lost meanwhile.
   *
   * @param array - An array of this device.
   * @returns A promise of the values.
   */
  async read(array: GpuArray): Promise<Float32Array | Int32Array> {
    this.checkAlive('WebGpu.read');
    checkUnreleased('WebGpu.read', 'the array', array);
    const size = bufferSize(array.length);
    const staging = this.device.createBuffer({
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(array.buffer, 0, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    let rejectOnLost: (error: Error) => void = () => {};
    const lost = new Promise<never>((_, reject) => {
      rejectOnLost = reject;
      this.onLost.add(reject);
    });
    try {
      await Promise.race([staging.mapAsync(GPUMapMode.READ), lost]);
    } catch (error) {
      staging.destroy();
      if (this.lost !== null) throw this.lostError();
      throw new Error(
        `WebGpu.read: reading ${array.length} elements back failed: ${(error as Error).message}`,
      );
    } finally {
      this.onLost.delete(rejectOnLost);
    }
    if (this.uncaptured !== null) {
      const message = this.uncaptured;
      this.uncaptured = null;
      staging.destroy();
      throw new Error(`WebGPU: a kernel failed: ${message}`);
    }
    const bytes = staging.getMappedRange().slice(0);
    staging.unmap();
    staging.destroy();
    const out = array.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
    return out.subarray(0, array.length);
  }

  /**
   * Waits until every kernel submitted so far has finished (for timing).
   *
   * @returns A promise that resolves then.
   */
  async finish(): Promise<void> {
    this.checkAlive('WebGpu.finish');
    await this.device.queue.onSubmittedWorkDone();
  }

  /** Frees the device; its arrays become unusable. */
  destroy(): void {
    this.device.destroy();
  }

  private pipeline(kernel: KernelSource): GPUComputePipeline {
    const workgroupSize = kernel.workgroupSize ?? 64;
    const key = `${kernel.name}@${workgroupSize}`;
    let pipeline = this.pipelines.get(key);
    if (pipeline === undefined) {
      const code = shaderSource(kernel, workgroupSize);
      const module = this.device.createShaderModule({ code, label: kernel.name });
      pipeline = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
        label: kernel.name,
      });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /**
   * Runs `kernel` over `threads` threads with `buffers` bound in the kernel's order (null binds a
   * placeholder for an absent optional input) and `params` its uniform fields in order.
   *
   * @param kernel - The kernel.
   * @param threads - How many threads: one per output element, as a rule.
   * @param buffers - Its storage bindings.
   * @param params - Its uniform fields' values.
   */
  run(
    kernel: KernelSource,
    threads: number,
    buffers: readonly (GpuArray | null)[],
    params: readonly number[],
  ): void {
    this.checkAlive(kernel.name);
    if (buffers.length !== kernel.buffers.length || params.length !== kernel.params.length) {
      throw new Error(
        `${kernel.name}: expected ${kernel.buffers.length} buffers and ${kernel.params.length} parameters, ` +
          `got ${buffers.length} and ${params.length}`,
      );
    }
    buffers.forEach((array, k) => {
      const want = kernel.buffers[k];
      if (array !== null) checkUnreleased(kernel.name, want.name, array);
      if (array !== null && (array.gpu !== this || WGSL_TYPE[array.dtype] !== want.type)) {
        throw new Error(
          `${kernel.name}: ${want.name} must be a ${want.type === 'f32' ? 'float32' : 'int32'} array of this device`,
        );
      }
    });
    if (threads === 0) return;
    const workgroupSize = kernel.workgroupSize ?? 64;
    const groups = Math.ceil(threads / workgroupSize);
    const groupsX = Math.min(groups, MAX_GROUPS_PER_DIM);
    const groupsY = Math.ceil(groups / groupsX);
    if (groupsY > MAX_GROUPS_PER_DIM) {
      throw new Error(`${kernel.name}: ${threads} threads exceed one dispatch`);
    }
    const uniform = packParams(kernel, threads, groupsX * workgroupSize, params);
    const uniformBuffer = this.device.createBuffer({
      size: uniform.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.device.queue.writeBuffer(uniformBuffer, 0, uniform);
    const pipeline = this.pipeline(kernel);
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniformBuffer } },
        ...buffers.map((array, k) => ({
          binding: k + 1,
          resource: { buffer: array === null ? this.placeholder : array.buffer },
        })),
      ],
    });
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groupsX, groupsY);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    uniformBuffer.destroy();
  }
}

/** Bytes of the buffer behind `length` elements (WebGPU binds no empty buffer). */
function bufferSize(length: number): number {
  return Math.max(4, length * 4);
}

function checkUnreleased(op: string, what: string, array: GpuArray): void {
  if (array.isReleased) {
    throw new Error(
      `${op}: ${what} (${array.length} ${array.dtype} elements) was released (Tensor.dispose or GpuArray.destroy) and cannot be used`,
    );
  }
}

export { shaderSource };
