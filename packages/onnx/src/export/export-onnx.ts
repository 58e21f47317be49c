import { gradientEdge } from '@fovea/autograd';
import type { Module } from '@fovea/nn';
import { Tensor } from '@fovea/tensor';
import { encodeModel, type NodeProto } from '../schema/proto.js';
import { GraphBuilder, valueInfo } from './graph-builder.js';
import { emitLayer } from './layers.js';
import { type Emitted, emitOp } from './ops.js';
import { type GraphNode, leafOf, traceModel } from './trace.js';

/** The optional arguments of `exportOnnx`, in the spirit of `torch.onnx.export`'s keywords. */
export interface ExportOnnxOptions {
  /** ONNX opset to write, 13 to 17 (default 17). */
  opset?: number;
  /** Make the first axis of the input and output a symbolic `batch` (default true). */
  dynamicBatch?: boolean;
  /** Name of the graph's input (default `['input']`). */
  inputNames?: string[];
  /** Name of the graph's output (default `['output']`). */
  outputNames?: string[];
}

const OPSETS = [13, 14, 15, 16, 17];

/**
 * The bytes of an ONNX model computing `model`'s forward in evaluation mode (batch norm on its
 * running statistics, dropout the identity). The graph is traced with shapes only on an input
 * shaped like `exampleInput`; parameters and running statistics become initializers, named by
 * their state-dict keys. Ops without an ONNX counterpart are all listed in one error.
 */
export function exportOnnx(model: Module, exampleInput: Tensor, options: ExportOnnxOptions = {}): Uint8Array {
  const { opset = 17, dynamicBatch = true, inputNames = ['input'], outputNames = ['output'] } = options;
  if (!OPSETS.includes(opset)) {
    throw new Error(`exportOnnx: opset ${opset} is not supported; choose one of ${OPSETS.join(', ')}`);
  }
  if (inputNames.length !== 1 || outputNames.length !== 1) {
    throw new Error(
      `exportOnnx: the model has one input and one output, got inputNames ${JSON.stringify(inputNames)} and outputNames ${JSON.stringify(outputNames)}`,
    );
  }
  if (!(exampleInput instanceof Tensor)) {
    throw new TypeError(
      `exportOnnx: exampleInput must be a Tensor (its shape is traced), got ${typeof exampleInput}`,
    );
  }
  if (model.hasUninitializedParameters()) {
    throw new Error(
      'exportOnnx: the model has lazy parameters that are not initialized yet; run one forward first',
    );
  }
  const shape = [...exampleInput.shape];
  const trace = traceModel(model, shape);
  const graph = new GraphBuilder();
  const inputName = graph.unique(inputNames[0]);
  const names = new Map<GraphNode, string>([[trace.input, inputName]]);
  const unsupported: string[] = [];

  /** The ONNX value of one traced node: an initializer, a whole layer's nodes, or one op's. */
  const emit = (node: GraphNode): Emitted => {
    const leaf = leafOf(node);
    if (leaf !== null) {
      const name = trace.leafNames.get(leaf);
      if (name !== undefined) return graph.floatInitializer(name, leaf);
      return {
        unsupported: `a tensor of shape [${leaf.shape.join(', ')}] that requires grad but is neither the input nor a parameter of the model`,
      };
    }
    const layer = trace.layers.get(node);
    if (layer !== undefined) {
      const input = nameOf(layer.input, names);
      if (input === null) return { unsupported: 'its input does not come from the model input' };
      return emitLayer(graph, layer, input);
    }
    const inputs = node.next.map((c) => (c === null ? null : (names.get(c) ?? null)));
    return emitOp(node, { graph, inputs, dynamicBatch, opset });
  };

  for (const node of topologicalOrder(trace.output.gradFn, trace)) {
    if (node === trace.input) continue;
    const emitted = emit(node);
    if (typeof emitted === 'string') names.set(node, emitted);
    else {
      unsupported.push(`${node.name}${describeScope(node, trace)}: ${emitted.unsupported}`);
      // A stand-in value, so the ops after it are checked too and the error lists them all.
      names.set(node, `unsupported:${unsupported.length}`);
    }
  }
  if (unsupported.length > 0) {
    throw new Error(
      `exportOnnx: ${unsupported.length} op(s) cannot be exported:\n  ${unsupported.join('\n  ')}`,
    );
  }
  const last = trace.output.gradFn === null ? undefined : names.get(trace.output.gradFn);
  if (last === undefined || last === inputName) {
    throw new Error("exportOnnx: the model's output does not depend on its input through any op");
  }
  const outputName = renameOutput(graph.nodes, last, outputNames[0]);
  const batch = (dims: readonly number[]) => dims.map((d, i) => (dynamicBatch && i === 0 ? 'batch' : d));
  const outputDims = trace.output.shape;
  return encodeModel({
    ir_version: 8,
    producer_name: 'fovea',
    opset_import: [{ domain: '', version: opset }],
    graph: {
      name: model.constructor.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(inputName, batch(shape))],
      output: [
        valueInfo(outputName, dynamicBatch && outputDims[0] === shape[0] ? batch(outputDims) : outputDims),
      ],
    },
  });
}

function nameOf(t: Tensor, names: Map<GraphNode, string>): string | null {
  const node = gradientEdge(t);
  return node === null ? null : (names.get(node) ?? null);
}

/**
 * The nodes the output depends on, inputs first (iterative post-order, so deep networks do not
 * overflow the stack). A layer exported whole is entered only through its input.
 */
function topologicalOrder(
  output: GraphNode | null,
  trace: { input: GraphNode; layers: Map<GraphNode, { input: Tensor }> },
): GraphNode[] {
  if (output === null) return [];
  const childrenOf = (n: GraphNode): GraphNode[] => {
    const layer = trace.layers.get(n);
    if (layer !== undefined) return [layer.input.gradFn ?? trace.input];
    return n.next.filter((c): c is GraphNode => c !== null);
  };
  const order: GraphNode[] = [];
  const seen = new Set<GraphNode>([output]);
  const stack: { node: GraphNode; children: GraphNode[]; next: number }[] = [
    { node: output, children: childrenOf(output), next: 0 },
  ];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      if (!seen.has(child)) {
        seen.add(child);
        stack.push({ node: child, children: childrenOf(child), next: 0 });
      }
      continue;
    }
    stack.pop();
    order.push(top.node);
  }
  return order;
}

function describeScope(node: GraphNode, trace: { layers: Map<GraphNode, { path: string }> }): string {
  const layer = trace.layers.get(node);
  return layer === undefined ? '' : ` in '${layer.path}'`;
}

/** Gives the graph's last value the requested output name. */
function renameOutput(nodes: NodeProto[], from: string, to: string): string {
  for (const node of nodes) {
    node.output = node.output?.map((o) => (o === from ? to : o));
    node.input = node.input?.map((i) => (i === from ? to : i));
  }
  return to;
}
