import protobuf from 'protobufjs/light.js';
import { onnxSchema } from './onnx-schema.generated.js';

/** ONNX's element types (`TensorProto.DataType`) that this package reads or writes. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;

/** ONNX's attribute types (`AttributeProto.AttributeType`). */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** An int64 as protobufjs decodes it: a number, or a Long when the `long` package is present. */
export type Int64 = number | { toNumber(): number; toString(): string };

export interface TensorProto {
  dims?: Int64[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  double_data?: number[];
  raw_data?: Uint8Array;
  name?: string;
  data_location?: number;
  external_data?: unknown[];
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: Int64[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProto[];
}

export interface Dimension {
  dim_value?: Int64;
  dim_param?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: Dimension[] } } };
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface ModelProto {
  ir_version?: Int64;
  opset_import?: { domain?: string; version?: Int64 }[];
  producer_name?: string;
  producer_version?: string;
  graph?: GraphProto;
}

let modelType: protobuf.Type | undefined;

function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(onnxSchema as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

/** Decodes an ONNX file's bytes; corrupt or truncated bytes are an error saying so. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`importOnnx: expected the model's bytes as a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.length === 0) throw new Error('importOnnx: the model is empty (0 bytes)');
  try {
    return modelProto().decode(bytes) as unknown as ModelProto;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `importOnnx: the ${bytes.length} bytes are not a valid ONNX model (truncated or corrupt protobuf: ${reason})`,
    );
  }
}

/**
 * Encodes a model; field names as in onnx.proto. The bytes are a plain `Uint8Array` of their own:
 * in Node, protobufjs hands back a `Buffer` viewing a pool shared with other encodes, whose
 * `slice()` would not copy.
 */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProto();
  return Uint8Array.from(type.encode(type.fromObject(model as Record<string, unknown>)).finish());
}

/** An int64 field as a number; values beyond 2^53 are an error (no ONNX dim or attribute here is that large). */
export function toNumber(value: Int64 | undefined, what: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'number' ? value : value.toNumber();
  if (!Number.isSafeInteger(n)) throw new Error(`importOnnx: ${what} is ${value.toString()}, beyond 2^53`);
  return n;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}
