import { BatchNorm2d, Conv2d, Linear, Module, Parameter } from '@fovea/nn';
import type { Tensor } from '@fovea/tensor';
import { intsAttribute, numberAttribute, stringAttribute } from './attributes.js';
import { parameterName } from './naming.js';
import type { OnnxNode } from './read-graph.js';
import type { ConstantValue } from './tensors.js';

/** A layer holding a node's weights as Parameters (and batch norm's statistics as buffers). */
export interface ImportedLayer {
  module: Module;
  /** Which of the node's inputs the layer holds (the rest are read at run time). */
  held: number[];
}

/** Parameters a MatMul, Add or Mul node reads from initializers, under their state-dict names. */
export class ParameterHolder extends Module {
  static override readonly moduleName: string = 'ParameterHolder';
}

type Lookup = (name: string) => ConstantValue | undefined;

function floatConstant(lookup: Lookup, name: string | undefined): Tensor | null {
  if (name === undefined || name === '') return null;
  const value = lookup(name);
  return value?.kind === 'float' ? value.tensor : null;
}

function shapeOf(t: Tensor): string {
  return `[${t.shape.join(', ')}]`;
}

/**
 * The layer for a node whose weights are initializers: Conv -> Conv2d, BatchNormalization ->
 * BatchNorm2d, Gemm -> Linear; null when the node has no weights to hold (it then runs as a
 * function). Sizes that disagree with each other are an error naming the node and the shapes.
 */
export function buildLayer(node: OnnxNode, lookup: Lookup, where: string): ImportedLayer | null {
  const at = `${where}: ${node.opType} '${node.name}'`;
  switch (node.opType) {
    case 'Conv': {
      const weight = floatConstant(lookup, node.inputs[1]);
      if (weight === null) return null;
      if (weight.ndim !== 4)
        throw new Error(`${at}: expected a 4-D weight [O, C / groups, kH, kW], got ${shapeOf(weight)}`);
      const bias = floatConstant(lookup, node.inputs[2]);
      const [outChannels, perGroup, kh, kw] = weight.shape;
      if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
        throw new Error(`${at}: bias ${shapeOf(bias)} does not match weight ${shapeOf(weight)}`);
      }
      const kernel = intsAttribute(node, 'kernel_shape', [kh, kw]);
      if (kernel[0] !== kh || kernel[1] !== kw) {
        throw new Error(
          `${at}: kernel_shape [${kernel.join(', ')}] disagrees with weight ${shapeOf(weight)}`,
        );
      }
      const groups = numberAttribute(node, 'group', 1);
      // The padding the layer prints; the graph's own pads (also asymmetric, auto_pad) are applied when it runs.
      const [top, left, bottom, right] = intsAttribute(node, 'pads', [0, 0, 0, 0]);
      const symmetric =
        stringAttribute(node, 'auto_pad', 'NOTSET') === 'NOTSET' && top === bottom && left === right;
      const conv = new Conv2d(perGroup * groups, outChannels, [kh, kw], {
        padding: symmetric ? [top, left] : 0,
        stride: intsAttribute(node, 'strides', [1, 1]) as [number, number],
        dilation: intsAttribute(node, 'dilations', [1, 1]) as [number, number],
        groups,
        bias: bias !== null,
      });
      conv.weight = new Parameter(weight);
      conv.bias = bias === null ? null : new Parameter(bias);
      return { module: conv, held: bias === null ? [1] : [1, 2] };
    }
    case 'BatchNormalization': {
      const [scale, shift, mean, variance] = node.inputs.slice(1, 5).map((n) => floatConstant(lookup, n));
      if (scale === null || shift === null || mean === null || variance === null) return null;
      const n = scale.shape[0];
      for (const t of [scale, shift, mean, variance]) {
        if (t.ndim !== 1 || t.shape[0] !== n) {
          throw new Error(
            `${at}: scale, bias, mean and variance must be [${n}], got ${[scale, shift, mean, variance].map(shapeOf).join(', ')}`,
          );
        }
      }
      const bn = new BatchNorm2d(n, {
        eps: numberAttribute(node, 'epsilon', 1e-5),
        momentum: 1 - numberAttribute(node, 'momentum', 0.9),
      });
      bn.weight = new Parameter(scale);
      bn.bias = new Parameter(shift);
      bn.running_mean = mean;
      bn.running_var = variance;
      return { module: bn, held: [1, 2, 3, 4] };
    }
    case 'Gemm': {
      const weight = floatConstant(lookup, node.inputs[1]);
      if (weight === null || weight.ndim !== 2) return null;
      if (numberAttribute(node, 'transA', 0) !== 0 || numberAttribute(node, 'alpha', 1) !== 1) return null;
      const transB = numberAttribute(node, 'transB', 0) !== 0;
      const w = transB ? weight : weight.t().contiguous();
      const [out, inFeatures] = w.shape;
      const bias = floatConstant(lookup, node.inputs[2]);
      if (bias !== null && numberAttribute(node, 'beta', 1) !== 1) return null;
      if (bias !== null && bias.numel !== out) {
        throw new Error(`${at}: bias ${shapeOf(bias)} does not match weight ${shapeOf(weight)}`);
      }
      const linear = new Linear(inFeatures, out, { bias: bias !== null });
      linear.weight = new Parameter(w);
      linear.bias = bias === null ? null : new Parameter(bias.reshape([out]).contiguous());
      return { module: linear, held: bias === null ? [1] : [1, 2] };
    }
    case 'MatMul':
    case 'Add':
    case 'Mul': {
      const holder = new ParameterHolder();
      const held: number[] = [];
      node.inputs.forEach((name, i) => {
        const t = floatConstant(lookup, name);
        if (t === null) return;
        held.push(i);
        const leaf = parameterName(name);
        const taken = leaf !== null && Object.hasOwn(holder, leaf);
        holder.registerParameter(leaf !== null && !taken ? leaf : `param${i}`, new Parameter(t));
      });
      return held.length === 0 || held.length === node.inputs.length ? null : { module: holder, held };
    }
    default:
      return null;
  }
}
