import type { TypedArray } from './dtype.js';
import { hostWritten } from './kernels/resident.js';
import { formatShape } from './shape.js';

/**
 * Where a tensor's data lives: 'cpu' is a host typed array, the storage of the 'js' and 'wasm'
 * backends (a WebAssembly kernel copies its operands into its memory and its result out within
 * the call, and keeps recent results and inputs there as copies for the kernels that read them
 * next);
 * 'webgpu' is a GPU buffer, which can only be read back asynchronously.
 */
export type Device = 'cpu' | 'webgpu';

/** Data a backend keeps off the host (a GPU buffer): its length in elements, read back asynchronously. */
export interface DeviceBuffer {
  readonly device: Exclude<Device, 'cpu'>;
  readonly length: number;
  /** Copies the data to a new host array. */
  read(): Promise<TypedArray>;
  /** Frees the device memory now (`Tensor.dispose`); later uses of the buffer throw. */
  dispose(): void;
}

/**
 * The memory behind a tensor and all of its views, owned by the backend that made it: a host
 * array (`host`) or a device's buffer (`deviceBuffer`), never both. `version` counts in-place
 * writes, so that backward can tell when a value it saved has been overwritten since.
 */
export class Storage {
  version = 0;
  /** The host array; null when the data lives on a device. Read it through `hostArray`. */
  readonly host: TypedArray | null;
  /** The device's buffer; null for a host array. */
  readonly deviceBuffer: DeviceBuffer | null;

  constructor(host: TypedArray | null, deviceBuffer: DeviceBuffer | null = null) {
    if ((host === null) === (deviceBuffer === null)) {
      throw new Error('Storage: expected either a host array or a device buffer');
    }
    this.host = host;
    this.deviceBuffer = deviceBuffer;
  }

  get device(): Device {
    return this.deviceBuffer === null ? 'cpu' : this.deviceBuffer.device;
  }

  /** The number of elements. */
  get length(): number {
    return this.host !== null ? this.host.length : this.deviceBuffer!.length;
  }

  /**
   * Records a write in place: the version moves on, and a copy a backend keeps of the host array
   * (kernels/resident.ts) is dropped. Every in-place write goes through here.
   */
  markWritten(): void {
    this.version++;
    hostWritten(this.host);
  }
}

/**
 * The host array behind `t`, for ops and kernels that read or write it directly: every such read
 * goes through here. A storage on a device cannot be read synchronously (a GPU buffer in a
 * browser maps only asynchronously), so this throws an error naming `op`, the tensor and how to
 * move it instead of handing a kernel data it cannot read.
 */
export function hostArray(
  t: { readonly storage: Storage; readonly shape: readonly number[] },
  op: string,
): TypedArray {
  const host = t.storage.host;
  if (host !== null) return host;
  throw deviceError(op, t.storage.device, t.shape);
}

/** The error for reading synchronously a tensor whose data lives on `device`. */
export function deviceError(op: string, device: Device, shape: readonly number[]): Error {
  return new Error(
    `${op}: the tensor ${formatShape(shape)} lives on ${device}, whose data cannot be read synchronously; ` +
      `use \`await t.dataAsync()\` to read it, or \`await t.cpu()\` for a copy in host memory`,
  );
}

/** Uploads host data to a device's storage; the 'webgpu' backend registers its own when opened. */
export type DeviceUploader = (values: TypedArray, dtype: string, op: string) => DeviceBuffer;

const uploaders: Partial<Record<Device, DeviceUploader>> = {};

/** @internal Called by a device backend once it can hold data. */
export function registerDeviceUploader(device: Exclude<Device, 'cpu'>, upload: DeviceUploader): void {
  uploaders[device] = upload;
}

/** A copy of `values` in a storage on `device`: the one way data moves onto a device. */
export function uploadTo(
  device: Exclude<Device, 'cpu'>,
  values: TypedArray,
  dtype: string,
  op: string,
): Storage {
  const upload = uploaders[device];
  if (upload === undefined) {
    throw new Error(`${op}: the ${device} backend is not open; call \`await setBackend('${device}')\` first`);
  }
  return new Storage(null, upload(values, dtype, op));
}

/** Whether a kernel argument is a device's storage (registry.ts refuses to hand one to the reference). */
export function isDeviceBuffer(value: unknown): value is DeviceBuffer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DeviceBuffer).read === 'function' &&
    typeof (value as DeviceBuffer).device === 'string'
  );
}
