import { type AxisField, outputLength, PIXEL, type ResolvedOp, resolveOp, throughOp } from './geometry.js';
import { mergeAxis } from './merge.js';
import { outputNode, topologicalOrder } from './order.js';
import { clipRegion, unclippedRegion } from './region.js';
import type {
  AlignmentWarning,
  GraphLayerInfo,
  GraphReceptiveField,
  Pair,
  Region,
  RFGraph,
  RFNode,
  Size2,
} from './types.js';
import { checkGraph, checkUnit, formatPair, toPair } from './validate.js';

const WHERE = 'analyzeGraph';

/** Per axis, one field per distinct jump of the paths reaching a node (one if it is aligned). */
type Fields = [AxisField[], AxisField[]];

interface NodeState {
  outputSize: Pair;
  fields: Fields;
  info: GraphLayerInfo;
}

function label(node: RFNode): string {
  return `node '${node.id}' (${node.name}, ${node.type})`;
}

/** Unit 0's box over all paths, and the largest jump, as r, S, P and centre per axis. */
function summarize(fields: Fields) {
  const per = fields.map((fs) => {
    const lo = Math.min(...fs.map((f) => f.lo));
    const hi = Math.max(...fs.map((f) => f.hi));
    return {
      size: hi - lo + 1,
      jump: Math.max(...fs.map((f) => f.jump)),
      padding: 0 - lo, // not -lo: a padding of 0 is +0, not -0
      start: (lo + hi) / 2,
    };
  });
  const pair = (key: 'size' | 'jump' | 'padding' | 'start'): Pair => [per[0][key], per[1][key]];
  return { size: pair('size'), jump: pair('jump'), effectivePadding: pair('padding'), start: pair('start') };
}

const NO_WINDOW: Omit<ResolvedOp, 'axes'> = {
  kernel: [1, 1],
  stride: [1, 1],
  padding: [0, 0],
  dilation: [1, 1],
};

/**
 * Receptive fields of every node of a network's graph on an input of `inputSize`, per axis, after
 * Araujo, Norris and Sim (Distill, 2019): single-path recurrences along each edge and, where paths
 * meet (add, concat), the union of their fields, with paths that are not aligned reported in
 * `warnings`. Kernel-1 ops (activations, batch norm, elementwise) are `identity`.
 *
 * @param graph - The network as named nodes with their inputs: `{ nodes: [{ id, op, inputs }],
 * output }`.
 * @param inputSize - The input's `[H, W]`, or one number for both.
 * @returns The output's receptive field, each node's (`node(id)`, `nodeRegion(id, unit)`), and
 * `warnings` where paths are not aligned.
 */
export function analyzeGraph(graph: RFGraph, inputSize: Size2): GraphReceptiveField {
  checkGraph(graph, WHERE);
  const input = toPair(inputSize, 'input size', 1, WHERE);
  const order = topologicalOrder(graph, WHERE);
  const output = outputNode(graph, WHERE);
  const inputs = order.filter((n) => n.op.kind === 'input');
  if (inputs.length !== 1) {
    throw new Error(`${WHERE}: expected exactly one node of kind 'input', got ${inputs.length}`);
  }
  const states = new Map<string, NodeState>();
  const warnings: AlignmentWarning[] = [];

  for (const node of order) {
    const incoming = node.inputs.map((id) => ({ id, state: states.get(id)! }));
    const where = `${WHERE}: ${label(node)}`;
    let outputSize: Pair;
    let fields: Fields;
    let window = NO_WINDOW;
    let aligned = true;
    const kind = node.op.kind;
    if (kind === 'input') {
      if (incoming.length !== 0) {
        throw new Error(`${where}: an input node reads nothing, got ${incoming.length} inputs`);
      }
      outputSize = input;
      fields = [[PIXEL], [PIXEL]];
    } else if (kind === 'add' || kind === 'concat') {
      if (incoming.length === 0) throw new Error(`${where}: a merge needs at least one input`);
      outputSize = incoming[0].state.outputSize;
      for (const { id, state } of incoming) {
        if (state.outputSize[0] !== outputSize[0] || state.outputSize[1] !== outputSize[1]) {
          throw new Error(
            `${where}: inputs have different map sizes: '${incoming[0].id}' ${formatPair(outputSize)}, ` +
              `'${id}' ${formatPair(state.outputSize)}`,
          );
        }
      }
      const before = warnings.length;
      fields = [0, 1].map((axis) =>
        mergeAxis(
          node,
          axis as 0 | 1,
          incoming.map(({ id, state }) => ({ from: id, fields: state.fields[axis] })),
          warnings,
        ),
      ) as Fields;
      aligned = warnings.length === before;
    } else if (kind === 'conv' || kind === 'pool' || kind === 'pad' || kind === 'identity') {
      if (incoming.length !== 1) {
        throw new Error(
          `${where}: a ${kind} reads one input, got ${incoming.length} (${node.inputs.join(', ')})`,
        );
      }
      const previous = incoming[0].state;
      const op = resolveOp(kind, node.op, where);
      window = op;
      outputSize = op.axes.map((a, axis) => outputLength(previous.outputSize[axis], a)) as Pair;
      if (outputSize[0] < 1 || outputSize[1] < 1) {
        throw new RangeError(
          `${where} (kernel ${formatPair(op.kernel)}) leaves no output: ` +
            `input ${formatPair(previous.outputSize)} -> ${formatPair(outputSize)}`,
        );
      }
      fields = [0, 1].map((axis) => previous.fields[axis].map((f) => throughOp(f, op.axes[axis]))) as Fields;
    } else {
      throw new TypeError(
        `${where}: unknown op kind '${kind}' (expected input, conv, pool, pad, identity, add or concat)`,
      );
    }
    const info: GraphLayerInfo = {
      id: node.id,
      name: node.name,
      type: node.type,
      kind,
      inputs: [...node.inputs],
      kernel: window.kernel,
      stride: window.stride,
      padding: window.padding,
      dilation: window.dilation,
      outputSize,
      ...summarize(fields),
      aligned: aligned && incoming.every(({ state }) => state.info.aligned),
    };
    states.set(node.id, { outputSize, fields, info });
  }

  const stateOf = (id: string, where: string): NodeState => {
    const state = states.get(id);
    if (state === undefined) throw new Error(`${WHERE}: ${where}: no node '${id}'`);
    return state;
  };
  const regionOf = (id: string, unit: readonly [number, number], where: string): Region => {
    const state = stateOf(id, where);
    checkUnit(unit, state.outputSize, `${WHERE}: ${where}`);
    return unclippedRegion(state.fields, unit);
  };
  const out = states.get(output)!;
  return {
    layers: order.filter((n) => n.op.kind !== 'input').map((n) => states.get(n.id)!.info),
    inputSize: input,
    outputSize: out.outputSize,
    size: out.info.size,
    stride: out.info.jump,
    padding: out.info.effectivePadding,
    output,
    aligned: out.info.aligned,
    warnings,
    node: (id) => stateOf(id, 'node').info,
    nodeRegion: (id, unit) => regionOf(id, unit, 'nodeRegion'),
    region: (unit) => regionOf(output, unit, 'region'),
    regionClipped: (unit, clipTo = input) =>
      clipRegion(regionOf(output, unit, 'regionClipped'), clipTo, `${WHERE}: regionClipped`),
  };
}
