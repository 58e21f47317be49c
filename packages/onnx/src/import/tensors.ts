import { Tensor } from '@fovea/tensor';
import { DataType, type Int64, type TensorProto, toNumber } from '../schema/proto.js';

/** An initializer or Constant: float data as a tensor, integer data (shapes, pads) as numbers. */
export type ConstantValue =
  | { kind: 'float'; tensor: Tensor }
  | { kind: 'int'; dims: number[]; values: number[] };

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** More elements than any CNN weight here has; a file claiming more is refused before allocation. */
const MAX_ELEMENTS = 1 << 28;

const ELEMENT_BYTES: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.DOUBLE]: 8,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
};

const TYPE_NAMES: Record<number, string> = {
  [DataType.FLOAT]: 'float',
  [DataType.DOUBLE]: 'double',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
};

/**
 * Decodes a TensorProto, checking its dims against the data it carries (raw bytes or a typed
 * list) before allocating anything, so a hostile file cannot ask for gigabytes.
 */
export function decodeTensor(proto: TensorProto, where: string): ConstantValue {
  const name = proto.name ? `'${proto.name}'` : '(unnamed)';
  const what = `${where}: tensor ${name}`;
  if (proto.data_location === 1 || (proto.external_data?.length ?? 0) > 0) {
    throw new Error(`${what} keeps its data in an external file, which importOnnx does not read`);
  }
  const dims = (proto.dims ?? []).map((d, i) => {
    const n = toNumber(d, `${what} dim ${i}`);
    if (n < 0) throw new Error(`${what} has a negative dim ${n} (dims [${(proto.dims ?? []).join(', ')}])`);
    return n;
  });
  const count = dims.reduce((p, d) => p * d, 1);
  if (count > MAX_ELEMENTS) {
    throw new Error(
      `${what} claims dims [${dims.join(', ')}] (${count} elements), more than ${MAX_ELEMENTS}`,
    );
  }
  const type = proto.data_type ?? 0;
  const size = ELEMENT_BYTES[type];
  if (size === undefined) {
    throw new Error(`${what} has element type ${type}; importOnnx reads float, double, int32 and int64`);
  }
  const raw = proto.raw_data !== undefined && proto.raw_data.length > 0 ? proto.raw_data : null;
  const listed = listedValues(proto, type);
  const found = raw !== null ? raw.length / size : listed.length;
  if (found !== count) {
    const source = raw !== null ? `${raw.length} bytes of raw data` : `${listed.length} listed values`;
    throw new Error(
      `${what} has dims [${dims.join(', ')}] (${count} ${TYPE_NAMES[type]} elements) but ${source} (${found} elements)`,
    );
  }
  if (type === DataType.FLOAT && raw !== null && LITTLE_ENDIAN_HOST) {
    // The common case (PyTorch's and Fovea's exports): the bytes are the float32 array already.
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(raw);
    return { kind: 'float', tensor: Tensor.fromArray(data, dims, 'float32') };
  }
  const values =
    raw !== null
      ? readRaw(raw, type, count)
      : Array.from(listed, (v) => (type === DataType.INT64 ? toNumber(v as Int64, what) : Number(v)));
  if (type === DataType.FLOAT || type === DataType.DOUBLE) {
    return { kind: 'float', tensor: Tensor.fromArray(Float32Array.from(values), dims, 'float32') };
  }
  return { kind: 'int', dims, values: Array.from(values) };
}

function listedValues(proto: TensorProto, type: number): ArrayLike<unknown> {
  if (type === DataType.FLOAT) return proto.float_data ?? [];
  if (type === DataType.DOUBLE) return proto.double_data ?? [];
  if (type === DataType.INT32) return proto.int32_data ?? [];
  return proto.int64_data ?? [];
}

function readRaw(raw: Uint8Array, type: number, count: number): ArrayLike<number> {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if (type === DataType.FLOAT) out[i] = view.getFloat32(4 * i, true);
    else if (type === DataType.DOUBLE) out[i] = view.getFloat64(8 * i, true);
    else if (type === DataType.INT32) out[i] = view.getInt32(4 * i, true);
    else out[i] = Number(view.getBigInt64(8 * i, true));
  }
  return out;
}
