import { BatchNorm2d, type Linear, LogSoftmax, Softmax } from '@fovea/nn';
import type { GraphBuilder } from './graph-builder.js';
import type { LayerCall } from './trace.js';

/**
 * A whole layer's call as ONNX nodes, in evaluation mode: `Gemm` (y = x W^T + b) for a 2-D input,
 * `MatMul` with W^T then `Add` otherwise; `BatchNormalization` on the running statistics;
 * `Softmax` and `LogSoftmax` along the module's dim (opset 13 and later: one axis). Returns the output's name, or the reason it cannot be exported.
 */
export function emitLayer(
  graph: GraphBuilder,
  call: LayerCall,
  input: string,
): string | { unsupported: string } {
  const scope = `/${call.path}`;
  const prefix = call.path === '' ? '' : `${call.path}.`;
  if (call.module instanceof BatchNorm2d) return emitBatchNorm(graph, call.module, scope, prefix, input);
  if (call.module instanceof Softmax || call.module instanceof LogSoftmax) {
    const opType = call.module instanceof Softmax ? 'Softmax' : 'LogSoftmax';
    return graph.node(opType, scope, [input], { axis: call.module.dim });
  }
  const linear = call.module as Linear;
  const weight = graph.floatInitializer(`${prefix}weight`, linear.weight);
  const bias = linear.bias === null ? null : graph.floatInitializer(`${prefix}bias`, linear.bias);
  if (call.input.ndim === 2) {
    return graph.node('Gemm', scope, bias === null ? [input, weight] : [input, weight, bias], { transB: 1 });
  }
  const transposed = graph.floatInitializer(`${prefix}weight_transposed`, linear.weight.t());
  const product = graph.node('MatMul', scope, [input, transposed]);
  return bias === null ? product : graph.node('Add', scope, [product, bias]);
}

function emitBatchNorm(
  graph: GraphBuilder,
  bn: BatchNorm2d,
  scope: string,
  prefix: string,
  input: string,
): string | { unsupported: string } {
  if (bn.running_mean === null || bn.running_var === null) {
    return {
      unsupported: 'batch norm without running statistics (trackRunningStats: false) uses batch statistics',
    };
  }
  const n = bn.numFeatures;
  const scale =
    bn.weight === null
      ? graph.floatConstant(`${prefix}weight`, [n], new Float32Array(n).fill(1))
      : graph.floatInitializer(`${prefix}weight`, bn.weight);
  const shift =
    bn.bias === null
      ? graph.floatConstant(`${prefix}bias`, [n], new Float32Array(n))
      : graph.floatInitializer(`${prefix}bias`, bn.bias);
  const mean = graph.floatInitializer(`${prefix}running_mean`, bn.running_mean);
  const variance = graph.floatInitializer(`${prefix}running_var`, bn.running_var);
  // ONNX's momentum weighs the running value (PyTorch's weighs the batch): 1 - momentum.
  return graph.node('BatchNormalization', scope, [input, scale, shift, mean, variance], {
    epsilon: { float: bn.eps },
    momentum: { float: 1 - (bn.momentum ?? 0.1) },
  });
}
