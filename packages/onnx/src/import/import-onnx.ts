import { Module } from '@fovea/nn';
import { argumentError, checkTensor, describe, Tensor } from '@fovea/tensor';
import { foldConstants } from './fold-constants.js';
import { buildLayer } from './layers.js';
import { LayerNames } from './naming.js';
import { type OnnxGraph, type OnnxNode, readGraph } from './read-graph.js';
import { type Operand, RUNNERS } from './run-ops.js';
import type { ConstantValue } from './tensors.js';

const WHERE = 'importOnnx';
/** What errors of a model's run start with: the call the user made. */
const RUN = 'OnnxModel.forward';
/** The graphs `importOnnx` read: the only ones an `OnnxModel` is built from. */
const READ_GRAPHS = new WeakSet<OnnxGraph>();

/** A Constant node's value: its `value` tensor, or one of the scalar and list forms. */
function constantValue(node: OnnxNode): ConstantValue {
  const value = node.attributes.get('value');
  if (value !== undefined && typeof value === 'object' && !Array.isArray(value)) return value;
  const ints = node.attributes.get('value_ints') ?? node.attributes.get('value_int');
  if (ints !== undefined) {
    const values = Array.isArray(ints) ? ints : [ints as number];
    return { kind: 'int', dims: Array.isArray(ints) ? [values.length] : [], values };
  }
  const floats = node.attributes.get('value_floats') ?? node.attributes.get('value_float');
  if (floats !== undefined) {
    const values = Array.isArray(floats) ? floats : [floats as number];
    return {
      kind: 'float',
      tensor: Tensor.fromArray(
        Float32Array.from(values),
        Array.isArray(floats) ? [values.length] : [],
        'float32',
      ),
    };
  }
  throw new Error(`${WHERE}: Constant '${node.name}' has no value attribute importOnnx reads`);
}

/**
 * An ONNX graph as a Fovea module. Weights of Conv, BatchNormalization and Gemm nodes live in
 * Conv2d, BatchNorm2d and Linear layers (float initializers that MatMul, Add and Mul read, in
 * ParameterHolders), at PyTorch-like paths, so `parameters()` trains them, `stateDict()` has
 * PyTorch's keys, and `train()` / `eval()` switch batch norm as in PyTorch. `forward` runs the
 * graph's nodes in topological order.
 */
export class OnnxModel extends Module {
  static override readonly moduleName: string = 'OnnxModel';
  readonly #graph: OnnxGraph;
  readonly #layers = new Map<OnnxNode, Module>();
  readonly #constants = new Map<string, ConstantValue>();

  /** @param graph - A graph `importOnnx` read (construct the model with `importOnnx(bytes)`). */
  constructor(graph: OnnxGraph) {
    if (!READ_GRAPHS.has(graph)) {
      throw argumentError('OnnxModel', 'graph', 'a graph importOnnx read (call importOnnx(bytes))', graph);
    }
    super();
    for (const [name, value] of graph.constants) this.#constants.set(name, value);
    for (const node of graph.nodes) {
      if (node.opType === 'Constant')
        for (const out of node.outputs) this.#constants.set(out, constantValue(node));
    }
    const folded = foldConstants(graph.nodes, this.#constants);
    const nodes = graph.nodes.filter((n) => n.opType !== 'Constant' && !folded.has(n));
    this.#graph = { ...graph, nodes };
    const unsupported = nodes.filter((n) => RUNNERS[n.opType] === undefined);
    if (unsupported.length > 0) {
      throw new Error(
        `${WHERE}: ${unsupported.length} node(s) use ops importOnnx does not support: ` +
          unsupported.map((n) => `${n.opType} '${n.name}'`).join(', '),
      );
    }
    const names = new LayerNames();
    const lookup = (name: string) => this.#constants.get(name);
    for (const node of nodes) {
      const layer = buildLayer(node, lookup, WHERE);
      if (layer === null) continue;
      const weightName = node.inputs[layer.held[0]];
      this.#attach(names.pathFor(node.opType, node.name, weightName), layer.module);
      this.#layers.set(node, layer.module);
    }
  }

  /** Puts `module` at a dotted path, creating plain modules for the scopes on the way. */
  #attach(path: string, module: Module): void {
    const parts = path.split('.');
    let parent: Module = this;
    for (const part of parts.slice(0, -1)) {
      const existing = (parent as unknown as Record<string, unknown>)[part];
      if (existing instanceof Module) parent = existing;
      else {
        const scope = new Module();
        parent.registerModule(part, scope);
        parent = scope;
      }
    }
    parent.registerModule(parts[parts.length - 1], module);
  }

  /** Names of the graph's inputs, in the order `forward` takes them. */
  get inputNames(): readonly string[] {
    return this.#graph.inputs;
  }

  /** Names of the graph's outputs; `forward` returns one tensor, or an array for several. */
  get outputNames(): readonly string[] {
    return this.#graph.outputs;
  }

  override forward(...inputs: Tensor[]): Tensor | Tensor[] {
    const graph = this.#graph;
    if (inputs.length !== graph.inputs.length) {
      throw new Error(
        `${RUN}: expected ${graph.inputs.length} input(s) (${graph.inputs.join(', ')}), got ${inputs.length}`,
      );
    }
    inputs.forEach((x, i) => checkTensor(RUN, `inputs[${i}]`, x));
    const values = new Map<string, Tensor | ConstantValue>(this.#constants);
    graph.inputs.forEach((name, i) => {
      values.set(name, inputs[i]);
    });
    for (const node of graph.nodes) {
      const operands: Operand[] = node.inputs.map((name) =>
        name === '' ? null : (values.get(name) ?? null),
      );
      let result: Tensor;
      try {
        result = RUNNERS[node.opType](node, operands, this.#layers.get(node) ?? null);
      } catch (error) {
        const message = error instanceof Error ? error.message : describe(error);
        if (message.startsWith(`${WHERE}: `)) {
          throw new Error(`${RUN}: ${message.slice(WHERE.length + 2)}`, { cause: error });
        }
        const shapes = operands.map((o) => (o instanceof Tensor ? `[${o.shape.join(', ')}]` : 'constant'));
        throw new Error(
          `${RUN}: ${node.opType} '${node.name}' failed on inputs ${shapes.join(', ')}: ${message}`,
          {
            cause: error,
          },
        );
      }
      values.set(node.outputs[0], result);
    }
    const outputs = graph.outputs.map((name) => {
      const v = values.get(name);
      if (v instanceof Tensor) return v;
      if (v !== undefined && v.kind === 'float') return v.tensor;
      throw new Error(`${RUN}: graph output '${name}' is not a float tensor`);
    });
    return outputs.length === 1 ? outputs[0] : outputs;
  }
}

/**
 * A trainable Fovea module from the bytes of an ONNX model (for example one PyTorch's
 * `torch.onnx.export` wrote): see `OnnxModel`. Corrupt bytes, graphs with cycles or unknown
 * values, initializers whose dims disagree with their data and unsupported ops (all listed at
 * once) are errors.
 */
export function importOnnx(bytes: Uint8Array): OnnxModel {
  const graph = readGraph(bytes);
  READ_GRAPHS.add(graph);
  return new OnnxModel(graph);
}
