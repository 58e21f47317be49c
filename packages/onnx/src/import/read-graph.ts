import {
  type AttributeProto,
  AttributeType,
  decodeModel,
  type NodeProto,
  toNumber,
} from '../schema/proto.js';
import { type ConstantValue, decodeTensor } from './tensors.js';

export type Attribute = number | number[] | string | ConstantValue;

/** A graph node with its attributes decoded. */
export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, Attribute>;
}

export interface OnnxGraph {
  opset: number;
  /** The graph's real inputs (not initializers), in order. */
  inputs: string[];
  outputs: string[];
  /** Nodes in an order where every value is computed before it is read. */
  nodes: OnnxNode[];
  /** Initializers, by value name. */
  constants: Map<string, ConstantValue>;
}

const WHERE = 'importOnnx';
/** Opsets whose semantics of the supported ops the importer follows. */
const OPSETS = { min: 13, max: 17 };

/**
 * The shortest decimal that rounds to the same float32: ONNX stores float attributes in float32,
 * so PyTorch's eps 1e-5 arrives as 9.999999747378752e-6 and is read back as 1e-5.
 */
function shortestFloat32(f: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === Math.fround(f)) return candidate;
  }
  return f;
}

function decodeAttribute(a: AttributeProto, where: string): Attribute {
  switch (a.type) {
    case AttributeType.FLOAT:
      return shortestFloat32(a.f ?? 0);
    case AttributeType.INT:
      return toNumber(a.i, `${where} attribute ${a.name}`);
    case AttributeType.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case AttributeType.TENSOR:
      if (a.t === undefined) throw new Error(`${where}: attribute ${a.name} has no tensor`);
      return decodeTensor(a.t, where);
    case AttributeType.FLOATS:
      return [...(a.floats ?? [])];
    case AttributeType.INTS:
      return (a.ints ?? []).map((v) => toNumber(v, `${where} attribute ${a.name}`));
    default:
      throw new Error(`${where}: attribute ${a.name} has type ${a.type}, which importOnnx does not read`);
  }
}

function describeNode(node: NodeProto, index: number): string {
  return `${node.op_type ?? '?'} node ${node.name ? `'${node.name}'` : `#${index}`}`;
}

/**
 * Decodes and checks an ONNX model: one graph, an opset of the default domain within
 * [13, 17], initializers whose dims agree with their data, every value computed once and before it
 * is read (nodes may come in any order; a cycle is an error naming its nodes).
 */
export function readGraph(bytes: Uint8Array): OnnxGraph {
  const model = decodeModel(bytes);
  const graph = model.graph;
  if (graph === undefined || graph === null) throw new Error(`${WHERE}: the model has no graph`);
  const imports = model.opset_import ?? [];
  const main = imports.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  const opset = main === undefined ? undefined : toNumber(main.version, `${WHERE}: opset version`);
  if (opset === undefined || opset < OPSETS.min || opset > OPSETS.max) {
    throw new Error(
      `${WHERE}: the model uses opset ${opset ?? '(none)'} of the default domain; importOnnx reads opsets ${OPSETS.min} to ${OPSETS.max}`,
    );
  }
  const constants = new Map<string, ConstantValue>();
  for (const init of graph.initializer ?? []) {
    if (!init.name) throw new Error(`${WHERE}: an initializer has no name`);
    constants.set(init.name, decodeTensor(init, `${WHERE}: initializer`));
  }
  const inputs = (graph.input ?? []).map((v) => v.name ?? '').filter((name) => !constants.has(name));
  if (inputs.some((name) => name === '')) throw new Error(`${WHERE}: a graph input has no name`);
  const nodes = (graph.node ?? []).map((node, index): OnnxNode => {
    const where = `${WHERE}: ${describeNode(node, index)}`;
    return {
      opType: node.op_type ?? '',
      name: node.name || `${node.op_type ?? 'node'}_${index}`,
      inputs: [...(node.input ?? [])],
      outputs: [...(node.output ?? [])],
      attributes: new Map((node.attribute ?? []).map((a) => [a.name ?? '', decodeAttribute(a, where)])),
    };
  });
  const outputs = (graph.output ?? []).map((v) => v.name ?? '');
  if (outputs.length === 0) throw new Error(`${WHERE}: the graph has no outputs`);
  return { opset, inputs, outputs, nodes: topologicalOrder(nodes, inputs, constants, outputs), constants };
}

/** Kahn's algorithm over value names; unknown inputs, values computed twice and cycles are errors. */
function topologicalOrder(
  nodes: OnnxNode[],
  inputs: readonly string[],
  constants: ReadonlyMap<string, unknown>,
  outputs: readonly string[],
): OnnxNode[] {
  const producer = new Map<string, OnnxNode>();
  const available = new Set<string>(['', ...inputs, ...constants.keys()]);
  for (const node of nodes) {
    for (const out of node.outputs) {
      if (out === '') continue;
      if (producer.has(out) || available.has(out)) {
        throw new Error(`${WHERE}: value '${out}' is computed twice (by ${node.opType} '${node.name}')`);
      }
      producer.set(out, node);
    }
  }
  for (const node of nodes) {
    for (const input of node.inputs) {
      if (!available.has(input) && !producer.has(input)) {
        throw new Error(
          `${WHERE}: ${node.opType} '${node.name}' reads '${input}', which is no graph input, initializer or node output`,
        );
      }
    }
  }
  for (const out of outputs) {
    if (!available.has(out) && !producer.has(out))
      throw new Error(`${WHERE}: graph output '${out}' is never computed`);
  }
  const waiting = new Map<OnnxNode, number>();
  const readers = new Map<string, OnnxNode[]>();
  const ready: OnnxNode[] = [];
  for (const node of nodes) {
    const pending = node.inputs.filter((i) => !available.has(i));
    waiting.set(node, pending.length);
    for (const i of pending) readers.set(i, [...(readers.get(i) ?? []), node]);
    if (pending.length === 0) ready.push(node);
  }
  const order: OnnxNode[] = [];
  while (ready.length > 0) {
    const node = ready.shift()!;
    order.push(node);
    for (const out of node.outputs) {
      for (const reader of readers.get(out) ?? []) {
        const left = waiting.get(reader)! - 1;
        waiting.set(reader, left);
        if (left === 0) ready.push(reader);
      }
    }
  }
  if (order.length < nodes.length) {
    const stuck = nodes.filter((n) => !order.includes(n)).map((n) => `${n.opType} '${n.name}'`);
    throw new Error(`${WHERE}: the graph has a cycle through ${stuck.join(', ')}`);
  }
  return order;
}
