import type { Tensor } from '@fovea/tensor';
import {
  type AttributeProto,
  AttributeType,
  DataType,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from '../schema/proto.js';

export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

/** An ONNX attribute from a plain value: integers as INT / INTS, `{ float }` and strings as such. */
function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string')
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.FLOATS, floats: value.floats };
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Little-endian bytes of a typed array (ONNX's raw_data). */
function littleEndian(values: Float32Array | BigInt64Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST)
    return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else values.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  return bytes;
}

/** Collects the nodes and initializers of an ONNX graph as an export walks a traced model. */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly #names = new Set<string>();
  /** Tensors already stored, so a parameter used twice is one initializer. */
  readonly #stored = new Map<Tensor, string>();

  /** A name not used yet, `base` itself if free. */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.#names.has(name); k++) name = `${base}_${k}`;
    this.#names.add(name);
    return name;
  }

  /** A float tensor (a weight, a running statistic) as a float32 initializer; returns its name. */
  floatInitializer(name: string, values: Tensor): string {
    const known = this.#stored.get(values);
    if (known !== undefined) return known;
    const unique = this.unique(name);
    this.#stored.set(values, unique);
    const data = Float32Array.from(values.contiguous().dataSync() as ArrayLike<number>);
    this.initializers.push({
      name: unique,
      dims: [...values.shape],
      data_type: DataType.FLOAT,
      raw_data: littleEndian(data),
    });
    return unique;
  }

  /** A float initializer made here (ones, zeros), not from a model's tensor. */
  floatConstant(name: string, dims: number[], data: Float32Array): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims, data_type: DataType.FLOAT, raw_data: littleEndian(data) });
    return unique;
  }

  /** An int64 vector initializer (a Reshape's shape, a Pad's pads). */
  int64Constant(name: string, values: readonly number[]): string {
    const unique = this.unique(name);
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({
      name: unique,
      dims: [values.length],
      data_type: DataType.INT64,
      raw_data: littleEndian(data),
    });
    return unique;
  }

  /** Adds a node named `${scope}/${opType}` with one output; returns the output's name. */
  node(
    opType: string,
    scope: string,
    inputs: string[],
    attributes: Record<string, AttributeValue | undefined> = {},
  ): string {
    const name = this.unique(`${scope}/${opType}`);
    const output = this.unique(`${name}_output_0`);
    this.nodes.push({
      name,
      op_type: opType,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes)
        .filter((e): e is [string, AttributeValue] => e[1] !== undefined)
        .map(([key, value]) => attribute(key, value)),
    });
    return output;
  }
}

/** A float32 tensor's description for the graph's inputs and outputs; `null` dims are symbolic. */
export function valueInfo(name: string, dims: readonly (number | string)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) },
      },
    },
  };
}
