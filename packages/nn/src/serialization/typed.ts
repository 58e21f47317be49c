import { describe, formatShape } from './describe.js';
import { dtypeSize, isSafetensorsDType, SAFETENSORS_DTYPES, type SafetensorsDType } from './dtype.js';
import { SafetensorsError } from './errors.js';
import { checkBoolBytes, readShape, tensorByteLength } from './layout.js';
import type { RawTensor } from './raw-tensor.js';

export type TypedValues = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** A tensor's values in a fresh, aligned typed array; `dtype` is the one the file stores. */
export interface TypedTensor {
  dtype: SafetensorsDType;
  shape: number[];
  values: TypedValues;
}

type TypedConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint8ArrayConstructor;

// The array type each dtype converts to and from. F16, BF16, I8, I16 and U16 widen exactly on
// read; the rest have no lossless target among these arrays and are rejected with a clear error.
const SOURCES: ReadonlyMap<SafetensorsDType, TypedConstructor> = new Map<SafetensorsDType, TypedConstructor>([
  ['F32', Float32Array],
  ['F64', Float64Array],
  ['I32', Int32Array],
  ['I64', BigInt64Array],
  ['U8', Uint8Array],
  ['BOOL', Uint8Array],
]);
const WIDENED: ReadonlyMap<SafetensorsDType, TypedConstructor> = new Map<SafetensorsDType, TypedConstructor>([
  ['F16', Float32Array],
  ['BF16', Float32Array],
  ['I8', Int32Array],
  ['I16', Int32Array],
  ['U16', Int32Array],
]);

export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  // `new` + `set`, not `slice`: Buffer#slice returns a view, and the copy must own an aligned buffer.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

function listSources(): string {
  return [...SOURCES].map(([dtype, type]) => `${dtype} (${type.name})`).join(', ');
}

/**
 * Little-endian bytes of `values`, checked against `dtype` and `shape`. The array type must match
 * the dtype exactly (F32: Float32Array, F64: Float64Array, I32: Int32Array, I64: BigInt64Array,
 * U8 and BOOL: Uint8Array, BOOL holding only 0 and 1).
 */
export function toRaw(dtype: SafetensorsDType, shape: readonly number[], values: TypedValues): RawTensor {
  const where = `toRaw(${String(dtype)}, ${describe(shape)})`;
  const source = SOURCES.get(dtype);
  if (source === undefined) {
    throw new SafetensorsError(
      `${where}: no typed-array conversion for dtype ${describe(dtype)}; supported: ${listSources()}`,
    );
  }
  const dims = readShape(shape, where);
  const byteLength = tensorByteLength(dtype, dims, where);
  if (!(values instanceof source)) {
    throw new SafetensorsError(`${where}: expected a ${source.name}, got ${describe(values)}`);
  }
  const size = dtypeSize(dtype);
  if (values.length * size !== byteLength) {
    throw new SafetensorsError(
      `${where}: shape ${formatShape(dims)} has ${byteLength / size} elements but the ${source.name} has ${values.length}`,
    );
  }
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (dtype === 'BOOL') checkBoolBytes(bytes, where);
  return { dtype, shape: dims, data: encodeValues(dtype, values, LITTLE_ENDIAN_HOST) };
}

/**
 * Copies a raw tensor into a fresh typed array (aligned, owning its buffer). I64 stays exact as
 * BigInt64Array; F16 and BF16 widen to Float32Array; I8, I16 and U16 widen to Int32Array; BOOL
 * and U8 give a Uint8Array, BOOL holding only 0 and 1.
 */
export function fromRaw(raw: RawTensor): TypedTensor {
  if (typeof raw !== 'object' || raw === null) {
    throw new SafetensorsError(`fromRaw: expected {dtype, shape, data}, got ${describe(raw)}`);
  }
  const { dtype } = raw;
  const where = `fromRaw(${describe(dtype)}, ${describe(raw.shape)})`;
  if (!isSafetensorsDType(dtype)) {
    throw new SafetensorsError(
      `${where}: unsupported dtype; expected one of ${SAFETENSORS_DTYPES.join(', ')}`,
    );
  }
  const shape = readShape(raw.shape, where);
  const byteLength = tensorByteLength(dtype, shape, where);
  if (!(raw.data instanceof Uint8Array) || raw.data.length !== byteLength) {
    throw new SafetensorsError(
      `${where}: expected ${byteLength} bytes of data, got ${raw.data instanceof Uint8Array ? raw.data.length : describe(raw.data)}`,
    );
  }
  if (dtype === 'BOOL') checkBoolBytes(raw.data, where);
  const values = decodeValues(dtype, raw.data, LITTLE_ENDIAN_HOST, where);
  return { dtype, shape, values };
}

/**
 * Decodes little-endian element bytes. On a little-endian host the native arrays copy them as
 * they are; `fast = false` reads element by element through a DataView, which is what a
 * big-endian host does (exported so tests can hold the two paths to each other).
 */
export function decodeValues(
  dtype: SafetensorsDType,
  data: Uint8Array,
  fast: boolean,
  where = 'fromRaw',
): TypedValues {
  const direct = SOURCES.get(dtype);
  if (direct !== undefined && fast) {
    const copy = copyBytes(data);
    return direct === Uint8Array ? copy : new direct(copy.buffer);
  }
  const count = data.length / dtypeSize(dtype);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (dtype) {
    case 'F32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
    case 'F64':
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, true));
    case 'I32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
    case 'I64': {
      const out = new BigInt64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getBigInt64(8 * i, true);
      return out;
    }
    case 'U8':
    case 'BOOL':
      return copyBytes(data);
    case 'F16':
      return Float32Array.from({ length: count }, (_, i) => halfToNumber(view.getUint16(2 * i, true)));
    case 'BF16': {
      // bfloat16 is the top half of a float32: shifting the bits keeps NaN payloads exact.
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I8':
      return Int32Array.from({ length: count }, (_, i) => view.getInt8(i));
    case 'I16':
      return Int32Array.from({ length: count }, (_, i) => view.getInt16(2 * i, true));
    case 'U16':
      return Int32Array.from({ length: count }, (_, i) => view.getUint16(2 * i, true));
    default:
      throw new SafetensorsError(
        `${where}: no lossless typed-array conversion for dtype ${dtype}; supported: ${[...SOURCES.keys(), ...WIDENED.keys()].join(', ')}`,
      );
  }
}

/** IEEE 754 binary16: sign, 5-bit exponent (bias 15), 10-bit fraction. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Little-endian bytes of `values`, whose type `toRaw` has checked against `dtype`. `fast` copies
 * the native bytes (little-endian hosts); otherwise each element goes through a DataView.
 */
export function encodeValues(dtype: SafetensorsDType, values: TypedValues, fast: boolean): Uint8Array {
  if (fast) return copyBytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  const out = new Uint8Array(values.length * dtypeSize(dtype));
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (dtype === 'F32') view.setFloat32(4 * i, value as number, true);
    else if (dtype === 'F64') view.setFloat64(8 * i, value as number, true);
    else if (dtype === 'I32') view.setInt32(4 * i, value as number, true);
    else if (dtype === 'I64') view.setBigInt64(8 * i, value as bigint, true);
    else view.setUint8(i, value as number);
  }
  return out;
}
