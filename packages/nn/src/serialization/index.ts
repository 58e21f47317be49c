// Browser-safe codec. Node file I/O lives in ./file.js, which this module does not re-export.
export { deserializeRaw, MAX_HEADER_SIZE } from './deserialize.js';
export type { SafetensorsDType } from './dtype.js';
export { dtypeSize, isSafetensorsDType, SAFETENSORS_DTYPES } from './dtype.js';
export { SafetensorsError } from './errors.js';
export type { RawTensor, SafetensorsContents } from './raw-tensor.js';
export { serializeRaw } from './serialize.js';
export type { TypedTensor, TypedValues } from './typed.js';
export { fromRaw, toRaw } from './typed.js';
