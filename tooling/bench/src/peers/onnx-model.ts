import protobuf from 'protobufjs';

/**
 * A one-node ONNX model (Conv, opset 13) built in memory: the subset of onnx.proto
 * (github.com/onnx/onnx/blob/main/onnx/onnx.proto) it needs, with the same field numbers.
 */
const SCHEMA = `
syntax = "proto3";
package onnx;
message AttributeProto {
  string name = 1;
  int64 i = 3;
  repeated int64 ints = 8;
  int32 type = 20;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
}
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  string name = 8;
  bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    int32 elem_type = 1;
    TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}
message ValueInfoProto {
  string name = 1;
  TypeProto type = 2;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message OperatorSetIdProto {
  string domain = 1;
  int64 version = 2;
}
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
`;

const FLOAT = 1;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

let modelType: protobuf.Type | null = null;

function model(): protobuf.Type {
  if (modelType === null) {
    const root = protobuf.parse(SCHEMA).root;
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

export interface ConvModel {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** OIHW float32. */
  readonly weight: Float32Array;
  readonly weightShape: readonly [number, number, number, number];
  readonly padding: number;
  readonly stride: number;
  readonly groups: number;
}

/** Conv(X [N, C, H, W], W) -> Y, with a symbolic batch. */
export function convModel(c: ConvModel): Uint8Array {
  const tensorType = (dims: Array<number | string>) => ({
    tensorType: {
      elemType: FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  });
  const [kh, kw] = c.weightShape.slice(2);
  const ints = (name: string, values: number[]) => ({ name, ints: values, type: ATTRIBUTE_INTS });
  const message = {
    irVersion: 8,
    producerName: 'fovea-bench',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'conv',
      node: [
        {
          input: ['X', 'W'],
          output: ['Y'],
          name: 'conv',
          opType: 'Conv',
          attribute: [
            ints('kernel_shape', [kh, kw]),
            ints('pads', [c.padding, c.padding, c.padding, c.padding]),
            ints('strides', [c.stride, c.stride]),
            ints('dilations', [1, 1]),
            { name: 'group', i: c.groups, type: ATTRIBUTE_INT },
          ],
        },
      ],
      initializer: [
        {
          name: 'W',
          dims: [...c.weightShape],
          dataType: FLOAT,
          rawData: new Uint8Array(c.weight.buffer, c.weight.byteOffset, c.weight.byteLength),
        },
      ],
      input: [{ name: 'X', type: tensorType(['N', c.channels, c.height, c.width]) }],
      output: [{ name: 'Y', type: tensorType(['N', c.weightShape[0], 'H', 'W']) }],
    },
  };
  const type = model();
  const error = type.verify(message);
  if (error) throw new Error(`ONNX model: ${error}`);
  return type.encode(type.fromObject(message)).finish();
}
