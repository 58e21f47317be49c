import { functional, type Module } from '@fovea/nn';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  cat,
  conv2d,
  matmul,
  maxPool2d,
  type PadMode,
  pad,
  type Tensor,
} from '@fovea/tensor';
import { intsAttribute, numberAttribute, stringAttribute } from './attributes.js';
import type { OnnxNode } from './read-graph.js';
import type { ConstantValue } from './tensors.js';

/** A node's operands at run time: tensors, or integer constants (shapes, pads). */
export type Operand = Tensor | ConstantValue | null;

/** Runs one node; `layer` is the module holding its weights, if any. */
export type OpRunner = (node: OnnxNode, operands: Operand[], layer: Module | null) => Tensor;

function at(node: OnnxNode): string {
  return `${node.opType} '${node.name}'`;
}

function tensorOperand(node: OnnxNode, operands: Operand[], i: number): Tensor {
  const v = operands[i];
  if (v === null || v === undefined) throw new Error(`importOnnx: ${at(node)} is missing input ${i}`);
  if ('kind' in v) {
    if (v.kind === 'float') return v.tensor;
    throw new Error(
      `importOnnx: ${at(node)} input ${i} is an integer constant where a float tensor is expected`,
    );
  }
  return v;
}

function intsOperand(node: OnnxNode, operands: Operand[], i: number): number[] {
  const v = operands[i];
  if (v === null || v === undefined || !('kind' in v) || v.kind !== 'int') {
    throw new Error(
      `importOnnx: ${at(node)} reads input ${i} ('${node.inputs[i]}') as integers; it must be an int64 initializer or Constant (computed shapes are not supported)`,
    );
  }
  return v.values;
}

/**
 * ONNX's pads [top, left, bottom, right] for 2-D windows, resolving `auto_pad`: SAME_UPPER and
 * SAME_LOWER pad to ceil(in / stride) outputs, the odd pixel at the end or the start.
 */
function windowPads(
  node: OnnxNode,
  input: Tensor,
  kernel: number[],
  strides: number[],
  dilations: number[],
): number[] {
  const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET') return intsAttribute(node, 'pads', [0, 0, 0, 0]);
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  const begin: number[] = [];
  const end: number[] = [];
  for (let axis = 0; axis < 2; axis++) {
    const size = input.shape[input.ndim - 2 + axis];
    const span = (kernel[axis] - 1) * dilations[axis] + 1;
    const total = Math.max(0, (Math.ceil(size / strides[axis]) - 1) * strides[axis] + span - size);
    const small = Math.floor(total / 2);
    begin.push(autoPad === 'SAME_LOWER' ? total - small : small);
    end.push(autoPad === 'SAME_LOWER' ? small : total - small);
  }
  return [...begin, ...end];
}

/** Symmetric pads as [h, w], or null: then the input is padded first. */
function symmetric(pads: number[]): [number, number] | null {
  return pads[0] === pads[2] && pads[1] === pads[3] ? [pads[0], pads[1]] : null;
}

function runConv(node: OnnxNode, operands: Operand[], layer: Module | null): Tensor {
  let x = tensorOperand(node, operands, 0);
  const weight =
    layer !== null ? (layer as unknown as { weight: Tensor }).weight : tensorOperand(node, operands, 1);
  const bias =
    layer !== null
      ? (layer as unknown as { bias: Tensor | null }).bias
      : operands[2]
        ? tensorOperand(node, operands, 2)
        : null;
  const strides = intsAttribute(node, 'strides', [1, 1]);
  const dilations = intsAttribute(node, 'dilations', [1, 1]);
  if (weight.ndim !== 4)
    throw new Error(
      `importOnnx: ${at(node)}: only 2-D convolutions are supported (weight [${weight.shape.join(', ')}])`,
    );
  const pads = windowPads(node, x, [weight.shape[2], weight.shape[3]], strides, dilations);
  let padding = symmetric(pads);
  if (padding === null) {
    x = pad(x, [pads[1], pads[3], pads[0], pads[2]]);
    padding = [0, 0];
  }
  return conv2d(x, weight, bias, {
    stride: strides as [number, number],
    dilation: dilations as [number, number],
    groups: numberAttribute(node, 'group', 1),
    padding,
  });
}

function poolGeometry(node: OnnxNode, x: Tensor) {
  const kernel = intsAttribute(node, 'kernel_shape', []);
  if (kernel.length !== 2)
    throw new Error(
      `importOnnx: ${at(node)}: only 2-D pooling is supported (kernel_shape [${kernel.join(', ')}])`,
    );
  const stride = intsAttribute(node, 'strides', [1, 1]);
  const dilation = intsAttribute(node, 'dilations', [1, 1]);
  const pads = windowPads(node, x, kernel, stride, dilation);
  const padding = symmetric(pads);
  if (padding === null) {
    throw new Error(
      `importOnnx: ${at(node)}: asymmetric pooling pads [${pads.join(', ')}] are not supported`,
    );
  }
  return {
    kernel: kernel as [number, number],
    stride: stride as [number, number],
    dilation: dilation as [number, number],
    padding,
    ceilMode: numberAttribute(node, 'ceil_mode', 0) !== 0,
  };
}

/** A padded map larger than this comes from a hostile file, not a CNN: refused before allocating. */
const MAX_PADDED = 1 << 28;

/** ONNX's Pad modes as F.pad's. */
const PAD_MODES: Record<string, PadMode> = {
  constant: 'constant',
  reflect: 'reflect',
  edge: 'replicate',
  wrap: 'circular',
};

function runPad(node: OnnxNode, operands: Operand[]): Tensor {
  const x = tensorOperand(node, operands, 0);
  const pads = intsOperand(node, operands, 1);
  const mode = PAD_MODES[stringAttribute(node, 'mode', 'constant')];
  if (mode === undefined)
    throw new Error(`importOnnx: ${at(node)}: unknown pad mode '${stringAttribute(node, 'mode', '')}'`);
  if (pads.length !== 2 * x.ndim) {
    throw new Error(
      `importOnnx: ${at(node)}: ${pads.length} pads for a ${x.ndim}-D input [${x.shape.join(', ')}]`,
    );
  }
  const rank = x.ndim;
  for (let axis = 0; axis < rank - 2; axis++) {
    if (pads[axis] !== 0 || pads[rank + axis] !== 0) {
      throw new Error(
        `importOnnx: ${at(node)}: only the last two axes can be padded (pads [${pads.join(', ')}])`,
      );
    }
  }
  const padded = x.shape.map((d, axis) => d + pads[axis] + pads[rank + axis]);
  const elements = padded.reduce((p, d) => p * Math.max(d, 0), 1);
  if (elements > MAX_PADDED) {
    throw new Error(
      `importOnnx: ${at(node)}: pads [${pads.join(', ')}] would make [${padded.join(', ')}] (${elements} elements, more than ${MAX_PADDED})`,
    );
  }
  const value = operands[2] ? tensorOperand(node, operands, 2).item() : 0;
  // F.pad's order, last axis first: [left, right, top, bottom].
  return pad(
    x,
    [pads[rank - 1], pads[2 * rank - 1], pads[rank - 2], pads[2 * rank - 2]],
    mode,
    Number(value),
  );
}

function runReshape(node: OnnxNode, operands: Operand[]): Tensor {
  const x = tensorOperand(node, operands, 0);
  const target = intsOperand(node, operands, 1);
  const allowZero = numberAttribute(node, 'allowzero', 0) !== 0;
  const shape = target.map((d, i) => (d === 0 && !allowZero ? x.shape[i] : d));
  return x.reshape(shape);
}

function runFlatten(node: OnnxNode, operands: Operand[]): Tensor {
  const x = tensorOperand(node, operands, 0);
  const axis = numberAttribute(node, 'axis', 1);
  const split = axis < 0 ? axis + x.ndim : axis;
  const outer = x.shape.slice(0, split).reduce((p, d) => p * d, 1);
  return x.reshape([outer, x.numel / Math.max(outer, 1)]);
}

function runGemm(node: OnnxNode, operands: Operand[], layer: Module | null): Tensor {
  const a = tensorOperand(node, operands, 0);
  if (layer !== null) return layer.forward(a) as Tensor;
  const transA = numberAttribute(node, 'transA', 0) !== 0;
  const transB = numberAttribute(node, 'transB', 0) !== 0;
  const b = tensorOperand(node, operands, 1);
  let y = matmul(transA ? a.t() : a, transB ? b.t() : b).mul(numberAttribute(node, 'alpha', 1));
  if (operands[2]) y = y.add(tensorOperand(node, operands, 2).mul(numberAttribute(node, 'beta', 1)));
  return y;
}

/** Operands of a node whose float initializers a ParameterHolder keeps, in input order, swapped in. */
function withHeld(node: OnnxNode, operands: Operand[], layer: Module | null): Tensor[] {
  const held = layer?.parameters({ recurse: false }) ?? [];
  let k = 0;
  return operands.map((v, i) =>
    held.length > 0 && isFloatConstant(v) ? held[k++] : tensorOperand(node, operands, i),
  );
}

function isFloatConstant(v: Operand): boolean {
  return v !== null && v !== undefined && 'kind' in v && v.kind === 'float';
}

const unary =
  (fn: (x: Tensor) => Tensor): OpRunner =>
  (node, operands) =>
    fn(tensorOperand(node, operands, 0));

/** The ops importOnnx runs, by ONNX op type. */
export const RUNNERS: Record<string, OpRunner> = {
  Conv: runConv,
  MaxPool: (node, operands) => {
    const x = tensorOperand(node, operands, 0);
    const g = poolGeometry(node, x);
    return maxPool2d(x, g.kernel, {
      stride: g.stride,
      padding: g.padding,
      dilation: g.dilation,
      ceilMode: g.ceilMode,
    });
  },
  AveragePool: (node, operands) => {
    const x = tensorOperand(node, operands, 0);
    const g = poolGeometry(node, x);
    if (g.dilation.some((d) => d !== 1))
      throw new Error(`importOnnx: ${at(node)}: dilated average pooling is not supported`);
    return avgPool2d(x, g.kernel, {
      stride: g.stride,
      padding: g.padding,
      ceilMode: g.ceilMode,
      countIncludePad: numberAttribute(node, 'count_include_pad', 0) !== 0,
    });
  },
  GlobalAveragePool: unary((x) => adaptiveAvgPool2d(x, [1, 1])),
  BatchNormalization: (node, operands, layer) => {
    if (layer === null)
      throw new Error(`importOnnx: ${at(node)}: scale, bias, mean and variance must be initializers`);
    return layer.forward(tensorOperand(node, operands, 0)) as Tensor;
  },
  Gemm: runGemm,
  MatMul: (node, operands, layer) => {
    const [a, b] = withHeld(node, operands, layer);
    return matmul(a, b);
  },
  Add: (node, operands, layer) => {
    const [a, b] = withHeld(node, operands, layer);
    return a.add(b);
  },
  Mul: (node, operands, layer) => {
    const [a, b] = withHeld(node, operands, layer);
    return a.mul(b);
  },
  Relu: unary((x) => x.relu()),
  Sigmoid: unary((x) => x.sigmoid()),
  Tanh: unary((x) => x.tanh()),
  Identity: unary((x) => x),
  // Dropout in an exported inference graph is the identity (its mask output is not supported).
  Dropout: unary((x) => x),
  Softmax: (node, operands) =>
    functional.softmax(tensorOperand(node, operands, 0), numberAttribute(node, 'axis', -1)),
  LogSoftmax: (node, operands) =>
    functional.logSoftmax(tensorOperand(node, operands, 0), numberAttribute(node, 'axis', -1)),
  Flatten: runFlatten,
  Reshape: runReshape,
  Concat: (node, operands) =>
    cat(
      operands.map((_, i) => tensorOperand(node, operands, i)),
      numberAttribute(node, 'axis', 0),
    ),
  Pad: runPad,
};
