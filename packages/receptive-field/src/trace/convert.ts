import type { OpKind, Pair, RFOp, Sides, Size2, TraceNote } from '../types.js';
import { formatPair } from '../validate.js';
import { describeModule, type ModuleCall } from './module-calls.js';
import { roleOf, unsupportedReason } from './ops.js';
import type { GraphNode, Ownership } from './walk.js';

/** A node of the receptive-field graph being built; named once the whole graph is known. */
export interface Vertex {
  kind: OpKind;
  op: RFOp;
  inputs: Vertex[];
  /** Map size of the traced tensor, to check the analysis against. */
  size: Pair;
  /** The autograd node it stands for (null for the input). */
  traced: GraphNode | null;
  /** The module call that returned it, if any: it is then named after that module. */
  call?: ModuleCall;
  /** The innermost module call it was computed in. */
  within?: ModuleCall;
  id: string;
}

/** Where the spatial structure was lost, and the last map before it. */
export interface Origin {
  node: GraphNode;
  reason: string;
  from: Vertex;
}

/** A traced tensor either is a map (some vertex's, maybe through kernel-1 ops) or lost its axes. */
export type Status = Vertex | { lost: Origin[] };

export function isMap(s: Status): s is Vertex {
  return !('lost' in s);
}

export interface NotedTrace extends TraceNote {
  /** The vertex the note is about, so notes outside the analysed part can be dropped. */
  vertex?: Vertex;
}

export interface Conversion {
  vertices: Vertex[];
  status: Map<GraphNode, Status>;
  notes: NotedTrace[];
}

type Shape = readonly number[];

const spatial = (shape: Shape | null | undefined): Pair | null =>
  shape != null && shape.length >= 2 ? [shape[shape.length - 2], shape[shape.length - 1]] : null;
const sameSize = (a: Pair, b: Pair) => a[0] === b[0] && a[1] === b[1];
const fmt = (shape: Shape | null | undefined) => (shape == null ? '?' : formatPair(shape));

/** Symmetric padding as `[h, w]`, otherwise per side. */
function sides(top: number, bottom: number, left: number, right: number): Size2 | Sides {
  return top === bottom && left === right ? [top, left] : { top, bottom, left, right };
}

/**
 * PyTorch's adaptive pooling windows along one axis, [floor(i n / o), ceil((i + 1) n / o)): a
 * plain pooling when they all have one width k and one step s (then (o - 1) s + k = n), else null.
 */
function uniformWindows(n: number, o: number): { kernel: number; stride: number } | null {
  if (o === n) return { kernel: 1, stride: 1 };
  const start = (i: number) => Math.floor((i * n) / o);
  const end = (i: number) => Math.ceil(((i + 1) * n) / o);
  const kernel = end(0) - start(0);
  const stride = o > 1 ? start(1) - start(0) : kernel;
  for (let i = 0; i < o; i++) {
    if (end(i) - start(i) !== kernel || start(i) !== i * stride) return null;
  }
  return { kernel, stride };
}

/**
 * Turns the traced autograd graph (nodes in `order`, inputs first) into receptive-field
 * vertices: windowed ops become conv / pool / pad, kernel-1 ops are skipped unless a module
 * returned them (then they are `identity` rows named after it), branches meet in `add` or
 * `concat`. Only edges from the traced input count; parameters and buffers are constants here.
 */
export function convertGraph(
  input: GraphNode,
  inputSize: Pair,
  order: readonly GraphNode[],
  { owner, within }: Ownership,
  where: string,
): Conversion {
  const status = new Map<GraphNode, Status>();
  const notes: NotedTrace[] = [];
  const inputVertex: Vertex = {
    kind: 'input',
    op: { kind: 'input' },
    inputs: [],
    size: inputSize,
    traced: null,
    id: 'input',
  };
  const vertices: Vertex[] = [inputVertex];
  status.set(input, inputVertex);

  const callOf = (n: GraphNode) => owner.get(n) ?? within.get(n);
  const locate = (n: GraphNode): string => {
    const call = callOf(n);
    return call === undefined ? n.name : `${n.name} in ${describeModule(call.path, call.type)}`;
  };
  const fail = (n: GraphNode, message: string): Error => new Error(`${where}: ${locate(n)} ${message}`);
  const note = (n: GraphNode, kind: TraceNote['kind'], message: string, vertex?: Vertex) => {
    notes.push({ kind, op: n.name, module: callOf(n)?.path ?? null, message, vertex });
  };
  const lostAt = (n: GraphNode, reason: string, from: Vertex): Status => ({
    lost: [{ node: n, reason: `${locate(n)} ${reason}`, from }],
  });

  const emit = (n: GraphNode, op: RFOp, inputs: Vertex[], size: Pair): Vertex => {
    const v: Vertex = {
      kind: op.kind,
      op,
      inputs,
      size,
      traced: n,
      call: owner.get(n),
      within: within.get(n),
      id: '',
    };
    vertices.push(v);
    return v;
  };

  /**
   * A kernel-1 op on one map: skipped, unless a submodule returned it. A module whose output is a
   * kernel-1 function of one windowed op it computed itself (the chapter's `Conv2D`: corr2d,
   * then + bias) gives that op its name instead of adding a row.
   */
  const identity = (n: GraphNode, v: Vertex): Vertex => {
    const call = owner.get(n);
    if (call === undefined) return v;
    const windowed = v.kind === 'conv' || v.kind === 'pool' || v.kind === 'pad';
    if (windowed && v.call === undefined && v.within === call) {
      v.call = call;
      return v;
    }
    // The model itself is no layer: a kernel-1 op at its end adds no row.
    if (call.path === '') return v;
    return emit(n, { kind: 'identity' }, [v], v.size);
  };

  type Edge = { index: number; status: Status };

  const windowOp = (n: GraphNode, edges: Edge[], out: Pair): Status => {
    const a = n.attributes as Record<string, unknown>;
    const data = edges.find((e) => e.index === 0);
    const firstMap = edges.map((e) => e.status).find(isMap)!;
    for (const e of edges) {
      if (e.index !== 0) {
        note(
          n,
          'global-context',
          `${locate(n)}: its input ${e.index} (a kernel) is computed from the input; the analytic field leaves that path out`,
          firstMap,
        );
      }
    }
    if (data === undefined) return lostAt(n, 'depends on the input only through its kernel', firstMap);
    if (!isMap(data.status)) return data.status;
    const prev = data.status;
    let op: RFOp;
    switch (a.op) {
      case 'conv2d': {
        const [top, bottom, left, right] = a.padding as number[];
        op = {
          kind: 'conv',
          kernel: a.kernel as Size2,
          stride: a.stride as Size2,
          padding: sides(top, bottom, left, right),
          dilation: a.dilation as Size2,
        };
        break;
      }
      case 'max_pool2d':
      case 'avg_pool2d':
        op = {
          kind: 'pool',
          kernel: a.kernel as Size2,
          stride: a.stride as Size2,
          padding: a.padding as Size2,
          dilation: a.dilation as Size2,
          ceilMode: a.ceilMode as boolean,
        };
        break;
      case 'pad': {
        // F.pad order: last axis first; [left, right] pads only the columns.
        const [left, right, top = 0, bottom = 0] = a.pads as number[];
        op = { kind: 'pad', padding: sides(top, bottom, left, right) };
        break;
      }
      case 'adaptive_avg_pool2d': {
        if (out[0] === 1 && out[1] === 1 && !sameSize(prev.size, out)) {
          return lostAt(
            n,
            `pools the map ${fmt(prev.size)} to [1, 1]: each value depends on the whole input`,
            prev,
          );
        }
        const rows = uniformWindows(prev.size[0], out[0]);
        const cols = uniformWindows(prev.size[1], out[1]);
        if (rows === null || cols === null) {
          return lostAt(
            n,
            `pools ${fmt(prev.size)} to ${fmt(out)} with windows of unequal size, which no kernel and stride describe`,
            prev,
          );
        }
        op = { kind: 'pool', kernel: [rows.kernel, cols.kernel], stride: [rows.stride, cols.stride] };
        break;
      }
      default: {
        const kernel = n.name === 'Corr2dBackward0' ? spatial((a.inputShapes as Shape[])[1]) : null;
        if (kernel === null)
          throw fail(n, `records no kernel geometry (attributes: ${Object.keys(a).join(', ')})`);
        op = { kind: 'conv', kernel };
      }
    }
    return emit(n, op, [prev], out);
  };

  /** Ops whose inputs meet position by position (broadcasting): the union of the maps' fields. */
  const pointwise = (n: GraphNode, edges: Edge[], out: Pair, join: 'add' | 'concat'): Status => {
    const shapes = (n.attributes.inputShapes as (Shape | null)[] | undefined) ?? [];
    const carriers: Vertex[] = [];
    let broadcast: Vertex | null = null;
    for (const e of edges) {
      const s = e.status;
      const size = spatial(shapes[e.index]) ?? (isMap(s) ? s.size : null);
      const full = size !== null && sameSize(size, out);
      if (isMap(s) && full) {
        if (!carriers.includes(s)) carriers.push(s);
      } else if (!full) {
        broadcast ??= isMap(s) ? s : s.lost[0].from;
      } else if (!isMap(s)) {
        throw fail(
          n,
          `combines the map ${fmt(out)} with its input ${e.index}, which has the map's size but lost ` +
            `its spatial axes on the way: ${s.lost[0].reason}`,
        );
      }
    }
    if (carriers.length === 0) {
      return lostAt(n, 'depends on the input only through values broadcast over the map', broadcast!);
    }
    const result = carriers.length === 1 ? identity(n, carriers[0]) : emit(n, { kind: join }, carriers, out);
    if (broadcast !== null) {
      note(
        n,
        'global-context',
        `${locate(n)} combines the map with values computed from the whole input and broadcast over ` +
          'its positions (as squeeze-and-excitation does); the analytic field leaves that path out',
        result,
      );
    }
    return result;
  };

  const classify = (n: GraphNode): Status => {
    const edges: Edge[] = [];
    n.next.forEach((c, index) => {
      const s = c === null ? undefined : status.get(c);
      if (s !== undefined) edges.push({ index, status: s });
    });
    const maps = edges.map((e) => e.status).filter(isMap);
    if (maps.length === 0) {
      // Everything it reads lost its spatial axes already: so does it.
      return { lost: edges.flatMap((e) => (isMap(e.status) ? [] : e.status.lost)) };
    }
    const unsupported = unsupportedReason(n.name);
    if (unsupported !== undefined) {
      throw fail(n, `${unsupported}; the analytic receptive field cannot follow it`);
    }
    const outShape = n.attributes.outputShape as Shape | undefined;
    const out = spatial(outShape);
    const role = roleOf(n.name);
    const prev = maps[0];
    if (role === 'pointwise' && outShape === undefined && edges.length === 1) return identity(n, prev);
    if (outShape === undefined) {
      throw fail(n, 'records no shapes (a custom Function?), so what it does to the map is unknown');
    }
    const kept = out !== null && maps.every((m) => sameSize(m.size, out));
    const change = `${fmt((n.attributes.inputShapes as Shape[] | undefined)?.[edges[0].index])} -> ${fmt(outShape)}`;
    switch (role) {
      case 'window':
        if (out === null) throw fail(n, `leaves no spatial axes (${change})`);
        return windowOp(n, edges, out);
      case 'pointwise':
        if (out === null) throw fail(n, `leaves no spatial axes (${change})`);
        return pointwise(n, edges, out, 'add');
      case 'view': {
        if (kept) return identity(n, prev);
        const what = /View|Reshape/.test(n.name)
          ? 'flattens or reshapes the spatial axes'
          : /Permute|Transpose|TBackward/.test(n.name)
            ? 'moves the spatial axes'
            : 'changes the spatial axes';
        return lostAt(n, `${what} (${change})`, prev);
      }
      case 'crop':
        if (kept) return identity(n, prev);
        throw fail(
          n,
          `crops the map (${change}); slicing a spatial axis is not supported (its start is not recorded)`,
        );
      case 'reduce':
        return kept
          ? identity(n, prev)
          : lostAt(n, `reduces over the spatial axes (${change}): each value depends on the whole map`, prev);
      case 'mix':
        return lostAt(n, `mixes positions (${change})`, prev);
      case 'concat': {
        const shapes = n.attributes.inputShapes as Shape[];
        const dim = outShape.findIndex((size, d) => shapes.some((s) => s !== null && s[d] !== size));
        if (dim >= outShape.length - 2) {
          throw fail(
            n,
            `concatenates along a spatial axis (${shapes.map(fmt).join(', ')} -> ${fmt(outShape)})`,
          );
        }
        return pointwise(n, edges, out!, 'concat');
      }
      default: {
        if (!kept) {
          throw fail(
            n,
            `is an op receptiveField does not know, and it changes the map ` +
              `${maps.map((m) => fmt(m.size)).join(', ')} to ${fmt(out)} (${change})`,
          );
        }
        note(
          n,
          'assumed-pointwise',
          `${locate(n)} is an op receptiveField does not know; it keeps the map's size ${fmt(out)}, so it is taken as kernel 1`,
        );
        return pointwise(n, edges, out!, 'add');
      }
    }
  };

  for (const n of order) if (n !== input) status.set(n, classify(n));
  return { vertices, status, notes };
}
