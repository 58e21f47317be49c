import type { SafetensorsDType } from './dtype.js';

/** One tensor as the file stores it: row-major, little-endian element bytes. */
export interface RawTensor {
  dtype: SafetensorsDType;
  shape: number[];
  data: Uint8Array;
}

/** What a safetensors file holds: tensors in file (offset) order, and string metadata. */
export interface SafetensorsContents {
  tensors: Map<string, RawTensor>;
  /** Has no prototype, so a key such as `__proto__` is an ordinary entry. */
  metadata: Record<string, string>;
}
