import { Tensor } from '@fovea/tensor';
import { DataType } from '../schema/proto.js';
import { intsAttribute, numberAttribute } from './attributes.js';
import type { OnnxNode } from './read-graph.js';
import type { ConstantValue } from './tensors.js';

/**
 * PyTorch's exporter leaves small integer computations in the graph (a padding's pads built with
 * ConstantOfShape, Concat, Reshape, Slice, Transpose and Cast when it cannot fold a reversed
 * Slice). Their inputs are all constants, so they are computed once here, at import; the
 * results feed Pad and Reshape like initializers do.
 */
type IntTensor = { dims: number[]; values: number[] };

/** Folded tensors are shapes and pads; a file asking for more is refused before allocation. */
const MAX_FOLDED = 1 << 20;

const count = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/** Row-major strides of `dims`. */
function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) strides[i] = strides[i + 1] * dims[i + 1];
  return strides;
}

/** Calls `visit` with each multi-index of `dims` in row-major order. */
function forEachIndex(dims: readonly number[], visit: (index: number[]) => void): void {
  const n = count(dims);
  const index = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    visit(index);
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++index[a] < dims[a]) break;
      index[a] = 0;
    }
  }
}

const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function slice(
  data: IntTensor,
  starts: number[],
  ends: number[],
  axes: number[],
  steps: number[],
): IntTensor {
  const rank = data.dims.length;
  const begin = new Array<number>(rank).fill(0);
  const step = new Array<number>(rank).fill(1);
  const dims = [...data.dims];
  axes.forEach((axis0, i) => {
    const axis = axisOf(axis0, rank);
    const size = data.dims[axis];
    const s = steps[i] ?? 1;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + size : v, lo), hi);
    const from = s > 0 ? clamp(starts[i], 0, size) : clamp(starts[i], -1, size - 1);
    const to = s > 0 ? clamp(ends[i], 0, size) : clamp(ends[i], -1, size - 1);
    begin[axis] = from;
    step[axis] = s;
    dims[axis] = Math.max(0, Math.ceil((to - from) / s));
  });
  const strides = stridesOf(data.dims);
  const values: number[] = [];
  forEachIndex(dims, (index) => {
    values.push(data.values[index.reduce((o, i, a) => o + (begin[a] + i * step[a]) * strides[a], 0)]);
  });
  return { dims, values };
}

function transpose(data: IntTensor, perm: number[]): IntTensor {
  const strides = stridesOf(data.dims);
  const dims = perm.map((p) => data.dims[p]);
  const values: number[] = [];
  forEachIndex(dims, (index) => {
    values.push(data.values[index.reduce((o, i, a) => o + i * strides[perm[a]], 0)]);
  });
  return { dims, values };
}

function concat(parts: IntTensor[], axis0: number): IntTensor {
  const rank = parts[0].dims.length;
  const axis = axisOf(axis0, rank);
  const outer = count(parts[0].dims.slice(0, axis));
  const values: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const block = count(p.dims.slice(axis));
      values.push(...p.values.slice(o * block, (o + 1) * block));
    }
  }
  const dims = [...parts[0].dims];
  dims[axis] = parts.reduce((s, p) => s + p.dims[axis], 0);
  return { dims, values };
}

function reshape(data: IntTensor, shape: number[]): IntTensor {
  const known = shape.map((d, i) => (d === 0 ? data.dims[i] : d));
  const rest = count(known.filter((d) => d !== -1));
  return { dims: known.map((d) => (d === -1 ? data.values.length / rest : d)), values: data.values };
}

/** Ops computed at import when all their inputs are integer constants. */
const FOLDERS: Record<string, (node: OnnxNode, inputs: (IntTensor | null)[]) => IntTensor | ConstantValue> = {
  ConstantOfShape: (node, [shape]) => {
    const value = node.attributes.get('value');
    const fill = value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : null;
    const dims = shape!.values;
    if (dims.some((d) => d < 0) || count(dims) > MAX_FOLDED) {
      throw new Error(`shape [${dims.join(', ')}] is negative or larger than ${MAX_FOLDED} elements`);
    }
    if (fill?.kind === 'float') {
      const v = fill.tensor.dataSync()[0] as number;
      return {
        kind: 'float',
        tensor: Tensor.fromArray(new Float32Array(count(dims)).fill(v), dims, 'float32'),
      };
    }
    return { dims, values: new Array<number>(count(dims)).fill(fill?.kind === 'int' ? fill.values[0] : 0) };
  },
  Slice: (_node, [data, starts, ends, axes, steps]) =>
    slice(
      data!,
      starts!.values,
      ends!.values,
      axes?.values ?? starts!.values.map((_, i) => i),
      steps?.values ?? [],
    ),
  Transpose: (node, [data]) =>
    transpose(
      data!,
      intsAttribute(
        node,
        'perm',
        data!.dims.map((_, i) => data!.dims.length - 1 - i),
      ),
    ),
  Concat: (node, inputs) => concat(inputs as IntTensor[], numberAttribute(node, 'axis', 0)),
  Reshape: (_node, [data, shape]) => reshape(data!, shape!.values),
  Unsqueeze: (_node, [data, axes]) => {
    const rank = data!.dims.length + axes!.values.length;
    const dims = [...data!.dims];
    for (const a of axes!.values.map((a) => axisOf(a, rank)).sort((x, y) => x - y)) dims.splice(a, 0, 1);
    return { dims, values: data!.values };
  },
  Squeeze: (_node, [data, axes]) => {
    const drop = (axes?.values ?? []).map((a) => axisOf(a, data!.dims.length));
    const dims = data!.dims.filter((d, a) => (drop.length > 0 ? !drop.includes(a) : d !== 1));
    return { dims, values: data!.values };
  },
  Cast: (node, [data]) => {
    const to = numberAttribute(node, 'to', DataType.INT64);
    if (to === DataType.FLOAT || to === DataType.DOUBLE) {
      return {
        kind: 'float',
        tensor: Tensor.fromArray(Float32Array.from(data!.values), data!.dims, 'float32'),
      };
    }
    return data!;
  },
};

/**
 * Folds the nodes whose inputs are all integer constants (and whose op is one of FOLDERS) into
 * `constants`, in graph order; returns the folded nodes.
 */
export function foldConstants(
  nodes: readonly OnnxNode[],
  constants: Map<string, ConstantValue>,
): Set<OnnxNode> {
  const folded = new Set<OnnxNode>();
  for (const node of nodes) {
    const folder = FOLDERS[node.opType];
    if (folder === undefined) continue;
    const inputs = node.inputs.map((name) => (name === '' ? null : constants.get(name)));
    if (inputs.some((v) => v === undefined || (v !== null && v.kind !== 'int'))) continue;
    let result: IntTensor | ConstantValue;
    try {
      result = folder(
        node,
        inputs.map((v) => (v === null || v === undefined || v.kind !== 'int' ? null : v)),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`importOnnx: ${node.opType} '${node.name}' on constant inputs failed: ${message}`, {
        cause: error,
      });
    }
    constants.set(node.outputs[0], 'kind' in result ? result : { kind: 'int', ...result });
    folded.add(node);
  }
  return folded;
}
