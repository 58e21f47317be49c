import { Conv2d, Flatten, LazyConv2d, Linear, Module, Sequential } from '@fovea/nn';
import { randn, type Tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx, OnnxModel } from '../src/index.js';
import {
  DataType,
  encodeModel,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from '../src/schema/proto.js';
import { goldenCase, modelBytes } from './helpers.js';

const floats = (name: string, dims: number[], data: number[]): TensorProto => ({
  name,
  dims,
  data_type: DataType.FLOAT,
  float_data: data,
});

function model(graph: GraphProto, opset = 17): Uint8Array {
  return encodeModel({ ir_version: 8, opset_import: [{ domain: '', version: opset }], graph });
}

const input = { name: 'x' };
const node = (op_type: string, inputs: string[], outputs: string[], name = op_type): NodeProto => ({
  op_type,
  name,
  input: inputs,
  output: outputs,
});

describe('importOnnx refuses bad files with clear errors', () => {
  it('truncated bytes, empty bytes, not bytes', () => {
    const bytes = modelBytes(goldenCase('lenet'));
    expect(() => importOnnx(bytes.subarray(0, bytes.length - 100))).toThrow(
      /importOnnx: the \d+ bytes are not a valid ONNX model \(truncated or corrupt protobuf/,
    );
    expect(() => importOnnx(new Uint8Array())).toThrow('importOnnx: the model is empty (0 bytes)');
    expect(() => importOnnx('model.onnx' as unknown as Uint8Array)).toThrow(
      "importOnnx: expected the model's bytes as a Uint8Array, got string",
    );
  });

  it('a cycle names the nodes on it', () => {
    const bytes = model({
      input: [input],
      output: [{ name: 'b' }],
      node: [node('Relu', ['b'], ['a'], 'first'), node('Relu', ['a'], ['b'], 'second')],
    });
    expect(() => importOnnx(bytes)).toThrow(
      "importOnnx: the graph has a cycle through Relu 'first', Relu 'second'",
    );
  });

  it('nodes in any order run in a topological one', () => {
    const bytes = model({
      input: [input],
      output: [{ name: 'c' }],
      node: [node('Sigmoid', ['b'], ['c']), node('Relu', ['x'], ['b'])],
    });
    const x = randn([2, 3]);
    const y = importOnnx(bytes).forward(x) as Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.relu().sigmoid().dataSync()));
  });

  it('an initializer whose dims disagree with its data, before allocating them', () => {
    const bytes = model({
      input: [input],
      output: [{ name: 'y' }],
      initializer: [floats('w', [4, 3], [1, 2, 3])],
      node: [node('MatMul', ['x', 'w'], ['y'])],
    });
    expect(() => importOnnx(bytes)).toThrow(
      "importOnnx: initializer: tensor 'w' has dims [4, 3] (12 float elements) but 3 listed values (3 elements)",
    );
    const huge = model({
      input: [input],
      output: [{ name: 'y' }],
      initializer: [
        { name: 'w', dims: [100000, 100000, 100000], data_type: DataType.FLOAT, raw_data: new Uint8Array(8) },
      ],
      node: [node('MatMul', ['x', 'w'], ['y'])],
    });
    expect(() => importOnnx(huge)).toThrow(
      /tensor 'w' claims dims \[100000, 100000, 100000\] \(1000000000000000 elements\), more than 268435456/,
    );
  });

  it('weights whose shapes disagree with each other or with the input', () => {
    const conv = model({
      input: [input],
      output: [{ name: 'y' }],
      initializer: [floats('w', [2, 1, 1, 1], [1, 2]), floats('b', [3], [0, 0, 0])],
      node: [node('Conv', ['x', 'w', 'b'], ['y'], 'conv')],
    });
    expect(() => importOnnx(conv)).toThrow(
      "importOnnx: Conv 'conv': bias [3] does not match weight [2, 1, 1, 1]",
    );
    const ok = model({
      input: [input],
      output: [{ name: 'y' }],
      initializer: [floats('w', [2, 1, 1, 1], [1, 2])],
      node: [node('Conv', ['x', 'w'], ['y'], 'conv')],
    });
    expect(() => importOnnx(ok).forward(randn([1, 3, 4, 4]))).toThrow(
      /^OnnxModel\.forward: Conv 'conv' failed on inputs \[1, 3, 4, 4\], constant: .*3 channels/,
    );
  });

  it('every unsupported node listed at once', () => {
    const bytes = model({
      input: [input],
      output: [{ name: 'c' }],
      node: [node('Erf', ['x'], ['a'], 'e1'), node('Relu', ['a'], ['b']), node('Gelu', ['b'], ['c'], 'g1')],
    });
    expect(() => importOnnx(bytes)).toThrow(
      "importOnnx: 2 node(s) use ops importOnnx does not support: Erf 'e1', Gelu 'g1'",
    );
  });

  it('unknown values, values computed twice, and unsupported opsets', () => {
    const unknown = model({
      input: [input],
      output: [{ name: 'y' }],
      node: [node('Relu', ['z'], ['y'], 'r')],
    });
    expect(() => importOnnx(unknown)).toThrow(
      "importOnnx: Relu 'r' reads 'z', which is no graph input, initializer or node output",
    );
    const twice = model({
      input: [input],
      output: [{ name: 'y' }],
      node: [node('Relu', ['x'], ['y'], 'r1'), node('Relu', ['x'], ['y'], 'r2')],
    });
    expect(() => importOnnx(twice)).toThrow("importOnnx: value 'y' is computed twice (by Relu 'r2')");
    const old = model({ input: [input], output: [{ name: 'y' }], node: [node('Relu', ['x'], ['y'])] }, 9);
    expect(() => importOnnx(old)).toThrow(
      'importOnnx: the model uses opset 9 of the default domain; importOnnx reads opsets 13 to 17',
    );
    const huge = model({
      input: [input],
      output: [{ name: 'y' }],
      initializer: [{ name: 's', dims: [2], data_type: DataType.INT64, int64_data: [1 << 30, 1 << 30] }],
      node: [node('ConstantOfShape', ['s'], ['y'], 'c')],
    });
    expect(() => importOnnx(huge)).toThrow(
      /ConstantOfShape 'c' on constant inputs failed: shape \[1073741824, 1073741824\]/,
    );
  });
});

describe('exportOnnx lists every op it cannot export', () => {
  class Unsupported extends Module {
    conv = new Conv2d(1, 2, 3);
    fc = new Linear(2, 2);
    override forward(x: Tensor): Tensor {
      const y = (this.conv.forward(x) as Tensor).exp().mean([2, 3]);
      return (this.fc.forward(y) as Tensor).abs();
    }
  }

  it('in one error naming each', () => {
    expect(() => exportOnnx(new Unsupported(), randn([1, 1, 5, 5]))).toThrow(
      'exportOnnx: 3 op(s) cannot be exported:\n  ExpBackward0: no ONNX export for this op (for a softmax or ' +
        'log-softmax, use the Softmax or LogSoftmax module, which exports whole)\n  ' +
        'MeanBackward1: no ONNX export for this op\n  AbsBackward0: no ONNX export for this op',
    );
  });

  it('circular padding, which ONNX has from opset 19 only', () => {
    const net = new Sequential(new Conv2d(1, 1, 3, { padding: 1, paddingMode: 'circular' }));
    expect(() => exportOnnx(net, randn([1, 1, 4, 4]))).toThrow(
      'exportOnnx: 1 op(s) cannot be exported:\n  CircularPadNdBackward0: circular padding needs opset 19 ' +
        "(Pad's 'wrap'), not 17",
    );
  });

  it('checks its options', () => {
    const net = new Sequential(new Linear(2, 2));
    expect(() => exportOnnx(net, randn([1, 2]), { opset: 11 })).toThrow(
      'exportOnnx: opset 11 is not supported; choose one of 13, 14, 15, 16, 17',
    );
  });
});

describe('hostile sizes at run time', () => {
  it('a Pad that would make a gigantic map is refused before allocating it', () => {
    const bytes = model({
      input: [input],
      output: [{ name: 'y' }],
      initializer: [
        {
          name: 'p',
          dims: [8],
          data_type: DataType.INT64,
          int64_data: [0, 0, 40000, 40000, 0, 0, 40000, 40000],
        },
      ],
      node: [node('Pad', ['x', 'p'], ['y'], 'pad')],
    });
    expect(() => importOnnx(bytes).forward(randn([1, 1, 2, 2]))).toThrow(
      "OnnxModel.forward: Pad 'pad': pads [0, 0, 40000, 40000, 0, 0, 40000, 40000] would make [1, 1, 80002, 80002]",
    );
  });
});

describe('exportOnnx checks what it is given', () => {
  it('a lazy model before its first forward, and an example that is no tensor', () => {
    expect(() => exportOnnx(new Sequential(new LazyConv2d(2, 3)), randn([1, 1, 5, 5]))).toThrow(
      'exportOnnx: the model has lazy parameters that are not initialized yet; run one forward first',
    );
    expect(() => exportOnnx(new Sequential(new Linear(2, 2)), [1, 2] as unknown as Tensor)).toThrow(
      'exportOnnx: exampleInput must be a Tensor (its shape is traced), got object',
    );
  });
});

/** Found by the fuzz suite (fuzz.test.ts) under issue 17's strict rules: each names its function. */
describe('@fovea/onnx: faults the fuzz suite found', () => {
  const small = () => new Sequential(new Conv2d(1, 2, 3), new Flatten(), new Linear(8, 3));

  it("exportOnnx's bytes own their memory: copying them with slice() and exporting again leaves them importable", () => {
    const bytes = exportOnnx(small(), randn([1, 1, 4, 4]));
    expect(bytes.constructor).toBe(Uint8Array);
    const copy = bytes.slice();
    copy.fill(0);
    exportOnnx(small(), randn([1, 1, 4, 4]));
    expect(() => importOnnx(bytes)).not.toThrow();
  });

  it('exportOnnx checks its model and options, and names itself when the model fails on the example', () => {
    expect(() => exportOnnx(randn([2]) as unknown as Module, randn([2]))).toThrow(
      /^exportOnnx: argument 'model' must be a Module, got a Tensor/,
    );
    expect(() =>
      exportOnnx(small(), randn([1, 1, 4, 4]), { inputNames: [1] as unknown as string[] }),
    ).toThrow("exportOnnx: argument 'inputNames' must be an array of strings, got [1]");
    expect(() => exportOnnx(small(), randn([1, 1, 28, 28]))).toThrow(
      /^exportOnnx: the model failed on an example input of shape \[1, 1, 28, 28\]: Linear\(in_features=8/,
    );
  });

  it('OnnxModel is built by importOnnx only, and its run names OnnxModel.forward', () => {
    expect(() => new OnnxModel({} as never)).toThrow(
      "OnnxModel: argument 'graph' must be a graph importOnnx read (call importOnnx(bytes)), got an object",
    );
    const model = importOnnx(exportOnnx(small(), randn([1, 1, 4, 4])));
    expect(() => model.forward('x' as unknown as Tensor)).toThrow(
      "OnnxModel.forward: argument 'inputs[0]' must be a Tensor, got string 'x'",
    );
    expect(() => model.forward()).toThrow(/^OnnxModel\.forward: expected 1 input\(s\)/);
  });
});
