import { enableGrad, gradientEdge } from '@fovea/autograd';
import type { Module } from '@fovea/nn';
import { describe, Tensor, withShapesOnly, zeros } from '@fovea/tensor';
import { analyzeGraph } from '../graph.js';
import type { Pair, ReceptiveFieldOptions, RFGraph, TracedReceptiveField } from '../types.js';
import { formatPair, show } from '../validate.js';
import { convertGraph, isMap, type NotedTrace, type Status, type Vertex } from './convert.js';
import { type ModuleCall, modelDtype, withModuleCalls } from './module-calls.js';
import { opLabel } from './ops.js';
import { type GraphNode, moduleOwnership, nodesOnInputPaths, type Ownership } from './walk.js';

/**
 * Where `effectiveReceptiveField` finds the analysed map in a real forward: the model's output,
 * a module's output (its `index`-th call), or else the graph node of the layer `id`.
 */
export type AnalysedMap =
  | { kind: 'output' }
  | { kind: 'call'; path: string; index: number }
  | { kind: 'layer'; id: string };

/** A forward's autograd graph as receptive-field vertices, named, with what the conversion found. */
export interface RunVertices {
  input: GraphNode;
  output: GraphNode;
  vertices: Vertex[];
  status: Map<GraphNode, Status>;
  notes: NotedTrace[];
  types: Map<Vertex, string>;
  ownership: Ownership;
}

/** Converts the graph of one forward (`x` -> `y`, with its module calls) into named vertices. */
export function verticesOfRun(
  x: Tensor,
  y: unknown,
  calls: readonly ModuleCall[],
  inputSize: Pair,
  where: string,
): RunVertices {
  if (!(y instanceof Tensor)) {
    throw new TypeError(
      `${where}: expected the model to return a Tensor, got ${Array.isArray(y) ? 'an array' : typeof y}`,
    );
  }
  const input = gradientEdge(x)!;
  const output = gradientEdge(y);
  const order = output === null ? [] : nodesOnInputPaths(output, input);
  if (output === null || order.length === 0 || order[order.length - 1] !== output) {
    throw new Error(`${where}: the model's output ${formatPair(y.shape)} does not depend on its input`);
  }
  const ownership = moduleOwnership(calls, new Set(order));
  const { vertices, status, notes } = convertGraph(input, inputSize, order, ownership, where);
  const types = nameVertices(vertices);
  return { input, output, vertices, status, notes, types, ownership };
}

export function checkInputShape(inputShape: readonly number[], where: string): number[] {
  const ok =
    Array.isArray(inputShape) &&
    inputShape.length >= 2 &&
    inputShape.length <= 4 &&
    inputShape.every((d) => Number.isInteger(d) && d >= 1);
  if (!ok) {
    throw new RangeError(
      `${where}: expected an input shape [N, C, H, W], [C, H, W] or [H, W] of positive integers, got ${show(inputShape)}`,
    );
  }
  return [...inputShape];
}

function checkModel(model: Module, where: string): void {
  if (typeof model !== 'object' || model === null || typeof model.namedModules !== 'function') {
    throw new TypeError(`${where}: expected a @fovea/nn Module, got ${describe(model)}`);
  }
  if (model.hasUninitializedParameters()) {
    throw new Error(
      `${where}: the model has lazy parameters that are not initialised yet; run one forward on a real input first`,
    );
  }
}

/** Unique ids in graph order: the module path, or `module.op` for a functional op, `_1`, `_2` on repeats. */
function nameVertices(vertices: readonly Vertex[]): Map<Vertex, string> {
  const used = new Set<string>();
  const types = new Map<Vertex, string>();
  for (const v of vertices) {
    let name = 'input';
    let type = 'input';
    if (v.traced !== null) {
      const label = opLabel(v.traced.name);
      if (v.call !== undefined) {
        name = v.call.path !== '' ? v.call.path : label;
        type = v.call.type;
      } else {
        name = v.within !== undefined && v.within.path !== '' ? `${v.within.path}.${label}` : label;
        type = label;
      }
    }
    let id = name;
    for (let k = 1; used.has(id); k++) id = `${name}_${k}`;
    used.add(id);
    v.id = id;
    types.set(v, type);
  }
  return types;
}

function ancestors(v: Vertex): Set<Vertex> {
  const seen = new Set<Vertex>([v]);
  const stack = [v];
  while (stack.length > 0) {
    for (const u of stack.pop()!.inputs) {
      if (!seen.has(u)) {
        seen.add(u);
        stack.push(u);
      }
    }
  }
  return seen;
}

/**
 * Traces one forward of `model` on zeros of `inputShape` without arithmetic (shapes only),
 * turns the autograd graph into a receptive-field graph and analyses it. See `receptiveField`.
 */
export function traceReceptiveField(
  model: Module,
  inputShape: readonly number[],
  options: ReceptiveFieldOptions,
  where: string,
): { field: TracedReceptiveField; analysed: AnalysedMap; modules: Set<string> } {
  checkModel(model, where);
  const shape = checkInputShape(inputShape, where);
  const inputSize: Pair = [shape[shape.length - 2], shape[shape.length - 1]];
  const dtype = modelDtype(model);
  let x: Tensor | undefined;
  const { value: y, calls } = withModuleCalls(model, where, () =>
    withShapesOnly(() =>
      enableGrad(() => {
        x = zeros(shape, { dtype }).requiresGrad_();
        return model.forward(x);
      }),
    ),
  );
  const {
    vertices,
    status,
    notes,
    types,
    ownership,
    output: outputNode,
  } = verticesOfRun(x!, y, calls, inputSize, where);
  const modelOutput = y as Tensor;

  let target: Vertex;
  let analysed: AnalysedMap;
  const truncated: typeof notes = [];
  if (options.layer !== undefined) {
    const layer = options.layer;
    const call = calls.find((c) => c.path === layer);
    const byId = vertices.find((v) => v.id === layer);
    const node = call?.outputNodes[0];
    const s = node === undefined ? undefined : status.get(node);
    if (call !== undefined && s !== undefined) {
      if (!isMap(s)) throw new Error(`${where}: '${layer}' has no spatial axes: ${s.lost[0].reason}`);
      target = s;
      analysed = { kind: 'call', path: call.path, index: call.index };
    } else if (byId !== undefined) {
      target = byId;
      analysed = { kind: 'layer', id: byId.id };
    } else {
      const known = vertices.map((v) => v.id).slice(1);
      throw new Error(
        `${where}: no module or layer '${layer}' on the input's paths ` +
          `(layers: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''})`,
      );
    }
  } else {
    const s = status.get(outputNode)!;
    if (isMap(s)) {
      target = s;
      analysed = { kind: 'output' };
    } else {
      // The output lost its spatial axes: analyse the last map before that, if there is one.
      const frontier = [...new Set(s.lost.map((o) => o.from))];
      const last = frontier.find((f) => {
        const before = ancestors(f);
        return frontier.every((g) => before.has(g));
      });
      if (last === undefined) {
        throw new Error(
          `${where}: the model's output ${formatPair(modelOutput.shape)} has no spatial axes and comes from several maps ` +
            `(${frontier.map((f) => `'${f.id}'`).join(', ')}); choose one with the layer option`,
        );
      }
      target = last;
      analysed =
        last.call === undefined
          ? { kind: 'layer', id: last.id }
          : { kind: 'call', path: last.call.path, index: last.call.index };
      for (const o of s.lost) {
        truncated.push({
          kind: 'truncated',
          op: o.node.name,
          module: ownership.owner.get(o.node)?.path ?? ownership.within.get(o.node)?.path ?? null,
          message:
            `the model's output ${formatPair(modelOutput.shape)} has no spatial axes: ${o.reason}; ` +
            `analysed up to '${o.from.id}' ${formatPair(o.from.size)}`,
        });
      }
    }
  }

  const kept = ancestors(target);
  const graph: RFGraph = {
    nodes: vertices
      .filter((v) => kept.has(v))
      .map((v) => ({
        id: v.id,
        name: v.id,
        type: types.get(v)!,
        inputs: v.inputs.map((u) => u.id),
        op: v.op,
      })),
    output: target.id,
  };
  const field = analyzeGraph(graph, inputSize);
  const byId = new Map(vertices.map((v) => [v.id, v]));
  for (const layer of field.layers) {
    const traced = byId.get(layer.id)!.size;
    if (layer.outputSize[0] !== traced[0] || layer.outputSize[1] !== traced[1]) {
      throw new Error(
        `${where}: internal error: '${layer.id}' (${layer.type}) was traced with a map ${formatPair(traced)} ` +
          `but analysed as ${formatPair(layer.outputSize)}`,
      );
    }
  }
  const seen = new Set<string>();
  const keptNotes = [...truncated, ...notes.filter((n) => n.vertex === undefined || kept.has(n.vertex))]
    .filter((n) => !seen.has(n.message) && seen.add(n.message))
    .map(({ vertex, ...note }) => note);
  return {
    field: {
      ...field,
      inputShape: shape,
      modelOutputShape: [...modelOutput.shape],
      graph,
      notes: keptNotes,
    },
    analysed,
    modules: new Set([...kept].flatMap((v) => (v.call === undefined ? [] : [v.call.path]))),
  };
}

/**
 * The exact receptive field of any `@fovea/nn` model: one forward on zeros of `inputShape`
 * runs shapes-only (no arithmetic, no allocation) in evaluation mode, its autograd graph is
 * walked back from the output to the input, and every op on the way becomes a layer of a
 * receptive-field graph (convolutions, pooling, padding; activations, batch norm and other
 * elementwise ops as kernel 1; additions and concatenations of branches), named after the
 * module that returned it (`layer1.0.conv1`, `Conv2d`). The graph is analysed as `analyzeGraph`
 * does (Araujo et al., 2019). When the output has no spatial axes (flatten, pooling to 1 x 1),
 * the last map before that is analysed and `notes` says so.
 *
 * @param model - Any module (a `Sequential`, a ResNet, your own class).
 * @param inputShape - The input's shape, `[N, C, H, W]`.
 * @param options - `layer`: analyse the output of this submodule (by path, `layer1.0`) instead of
 * the model's.
 * @returns The analysis of `analyzeGraph`, with the traced graph's `notes`.
 *
 * @example
 * ```ts
 * import { Conv2d, MaxPool2d, ReLU, Sequential } from '@fovea/nn';
 * import { receptiveField } from '@fovea/receptive-field';
 *
 * const net = new Sequential(new Conv2d(3, 8, 3), new ReLU(), new MaxPool2d(2), new Conv2d(8, 8, 3));
 * const rf = receptiveField(net, [1, 3, 32, 32]);
 * rf.size; // [8, 8]
 * ```
 */
export function receptiveField(
  model: Module,
  inputShape: readonly number[],
  options: ReceptiveFieldOptions = {},
): TracedReceptiveField {
  return traceReceptiveField(model, inputShape, options, 'receptiveField').field;
}
