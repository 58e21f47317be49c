import type { GraphBuilder } from './graph-builder.js';
import type { GraphNode } from './trace.js';

type Shape = readonly number[];
type Pair = [number, number];

/** What an op's node needs: its input names (null where an operand is a constant) and the graph. */
export interface OpContext {
  graph: GraphBuilder;
  inputs: (string | null)[];
  /** Whether the first axis is the symbolic batch. */
  dynamicBatch: boolean;
  /** The opset being written. */
  opset: number;
}

export type Emitted = string | { unsupported: string };

/** A recorded size: one number for both axes, or `[h, w]`. */
function pair(value: unknown): Pair {
  return typeof value === 'number' ? [value, value] : [...(value as Pair)];
}

/** A pooling's kernel, strides and symmetric padding as ONNX attributes. */
function windowAttributes(a: Record<string, unknown>): Record<string, number[]> {
  const [ph, pw] = pair(a.padding);
  return { kernel_shape: pair(a.kernel), strides: pair(a.stride), pads: [ph, pw, ph, pw] };
}

/**
 * ONNX's ceil_mode for a pooling PyTorch ran with `ceilMode`. PyTorch drops a last window that
 * would start in the right padding; ONNX's shape rule before opset 19 keeps it (ONNX Runtime's
 * kernel drops it, its shape inference does not). Where PyTorch's size is the floor size, floor
 * mode gives the same windows in every engine.
 */
function ceilMode(a: Record<string, unknown>): 0 | 1 {
  if (!a.ceilMode) return 0;
  const input = (a.inputShapes as Shape[])[0].slice(-2);
  const output = (a.outputShape as Shape).slice(-2);
  const [kernel, stride, padding, dilation] = [a.kernel, a.stride, a.padding, a.dilation ?? 1].map(pair);
  const floors = input.map(
    (n, i) => Math.floor((n + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1,
  );
  return floors.every((f, i) => f === output[i]) ? 0 : 1;
}

const ACTIVATIONS: Record<string, string> = {
  ReluBackward0: 'Relu',
  SigmoidBackward0: 'Sigmoid',
  TanhBackward0: 'Tanh',
  CloneBackward0: 'Identity',
};

/** Why some ops have no export, and what to write instead. */
const HINTS: Record<string, string> = {
  ExpBackward0:
    'no ONNX export for this op (for a softmax or log-softmax, use the Softmax or LogSoftmax module, which exports whole)',
};

const BINARY: Record<string, string> = { AddBackward0: 'Add', MulBackward0: 'Mul', MmBackward0: 'MatMul' };

/** ONNX's Pad modes for F.pad's; `wrap` exists from opset 19. */
const PAD_MODES: Record<string, string> = {
  constant: 'constant',
  reflect: 'reflect',
  replicate: 'edge',
  circular: 'wrap',
};

/**
 * One traced op as ONNX nodes, from its PyTorch-style name and the `attributes` it recorded
 * (input and output shapes, and the geometry of windowed ops). Returns the output's name, or why
 * the op cannot be exported.
 */
export function emitOp(node: GraphNode, ctx: OpContext): Emitted {
  const a = node.attributes as Record<string, unknown>;
  const { graph, inputs } = ctx;
  // Ops between layers have no module of their own: they are named `/Relu`, `/Relu_1`, ...
  const scope = '';
  const [x] = inputs;
  if (x === null || x === undefined) return { unsupported: 'its first operand is a constant' };
  const activation = ACTIVATIONS[node.name];
  if (activation !== undefined) return graph.node(activation, scope, [x]);
  const binary = BINARY[node.name];
  if (binary !== undefined) {
    if (inputs[1] === null)
      return { unsupported: 'an operand is a constant, whose value the trace does not keep' };
    return graph.node(binary, scope, [x, inputs[1]]);
  }
  switch (node.name) {
    case 'ConvolutionBackward0': {
      const weight = inputs[1];
      if (weight === null)
        return { unsupported: 'its weight is a constant, whose value the trace does not keep' };
      const [top, bottom, left, right] = a.padding as number[];
      const withBias = inputs[2] !== null && inputs[2] !== undefined;
      return convNode(graph, weight, [x, weight, ...(withBias ? [inputs[2]!] : [])], {
        kernel_shape: pair(a.kernel),
        strides: pair(a.stride),
        pads: [top, left, bottom, right],
        dilations: pair(a.dilation),
        group: a.groups as number,
      });
    }
    case 'MaxPool2DWithIndicesBackward0':
      return graph.node('MaxPool', scope, [x], {
        ...windowAttributes(a),
        dilations: pair(a.dilation),
        ceil_mode: ceilMode(a),
      });
    case 'AvgPool2DBackward0':
      return graph.node('AveragePool', scope, [x], {
        ...windowAttributes(a),
        ceil_mode: ceilMode(a),
        count_include_pad: a.countIncludePad ? 1 : 0,
      });
    case 'AdaptiveAvgPool2DBackward0':
      return adaptiveAvgPool(node, ctx, x);
    case 'CatBackward0': {
      if (inputs.some((i) => i === null)) return { unsupported: 'an operand is a constant' };
      const shapes = a.inputShapes as Shape[];
      const out = a.outputShape as Shape;
      const axis = Math.max(
        0,
        out.findIndex((size, d) => shapes.some((s) => s[d] !== size)),
      );
      return graph.node('Concat', scope, inputs as string[], { axis });
    }
    case 'ViewBackward0': {
      const input = (a.inputShapes as Shape[])[0];
      const out = [...(a.outputShape as Shape)];
      // 0 copies the input's dimension: the batch stays symbolic.
      if (ctx.dynamicBatch && out.length > 0 && input.length > 0 && out[0] === input[0]) out[0] = 0;
      return graph.node('Reshape', scope, [x, graph.int64Constant('/Reshape/shape', out)]);
    }
    default:
      if (/PadNdBackward\d*$/.test(node.name)) return padNode(node, ctx, x);
      return { unsupported: HINTS[node.name] ?? 'no ONNX export for this op' };
  }
}

function convNode(
  graph: GraphBuilder,
  weight: string,
  inputs: string[],
  attributes: Record<string, number | number[]>,
): string {
  const scope = weight.endsWith('.weight') ? `/${weight.slice(0, -'.weight'.length)}` : '';
  return graph.node('Conv', scope, inputs, attributes);
}

function padNode(node: GraphNode, ctx: OpContext, x: string): Emitted {
  const a = node.attributes as Record<string, unknown>;
  const mode = PAD_MODES[a.mode as string];
  if (mode === undefined) return { unsupported: `pad mode '${String(a.mode)}' has no ONNX counterpart` };
  if (mode === 'wrap' && ctx.opset < 19)
    return { unsupported: `circular padding needs opset 19 (Pad's 'wrap'), not ${ctx.opset}` };
  const rank = (a.outputShape as Shape).length;
  // F.pad's order, last axis first: [left, right, top, bottom]; ONNX's: all begins, then all ends.
  const [left, right, top = 0, bottom = 0] = a.pads as number[];
  const begins = new Array<number>(rank).fill(0);
  const ends = new Array<number>(rank).fill(0);
  begins[rank - 1] = left;
  ends[rank - 1] = right;
  if (rank >= 2) {
    begins[rank - 2] = top;
    ends[rank - 2] = bottom;
  }
  const pads = ctx.graph.int64Constant('/Pad/pads', [...begins, ...ends]);
  const inputs = [x, pads];
  const value = (a.value as number | undefined) ?? 0;
  if (mode === 'constant' && value !== 0) {
    inputs.push(ctx.graph.floatConstant('/Pad/value', [], Float32Array.of(value)));
  }
  return ctx.graph.node('Pad', '', inputs, { mode });
}

/**
 * PyTorch's adaptive windows along one axis, [floor(i n / o), ceil((i + 1) n / o)), as one
 * kernel and stride when they all have the same width and step; else null.
 */
function uniformWindows(n: number, o: number): { kernel: number; stride: number } | null {
  const start = (i: number) => Math.floor((i * n) / o);
  const end = (i: number) => Math.ceil(((i + 1) * n) / o);
  const kernel = end(0) - start(0);
  const stride = o > 1 ? start(1) - start(0) : kernel;
  for (let i = 0; i < o; i++) if (end(i) - start(i) !== kernel || start(i) !== i * stride) return null;
  return { kernel, stride };
}

function adaptiveAvgPool(node: GraphNode, ctx: OpContext, x: string): Emitted {
  const a = node.attributes as Record<string, unknown>;
  const input = (a.inputShapes as Shape[])[0];
  const [oh, ow] = pair(a.outputSize);
  if (oh === 1 && ow === 1) return ctx.graph.node('GlobalAveragePool', '', [x]);
  const [h, w] = input.slice(-2);
  const rows = uniformWindows(h, oh);
  const cols = uniformWindows(w, ow);
  if (rows === null || cols === null) {
    return { unsupported: `adaptive pooling of [${h}, ${w}] to [${oh}, ${ow}] has windows of unequal size` };
  }
  return ctx.graph.node('AveragePool', '', [x], {
    kernel_shape: [rows.kernel, cols.kernel],
    strides: [rows.stride, cols.stride],
  });
}
