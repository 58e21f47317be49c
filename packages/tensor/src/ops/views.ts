import { isGradEnabled } from '@fovea/autograd';
import { record } from '../autograd.js';
import { argumentError, checkArray, checkInteger } from '../checks.js';
import { contiguousStrides, formatShape, normalizeDim, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { clone, stridedScatter, viewHistory } from './copies.js';
import {
  type Geometry,
  inferShape,
  resolveIndex,
  type SliceSpec,
  selectGeometry,
  sliceGeometry,
} from './geometry.js';
import { requireTensor } from './operands.js';
import { sumTo } from './sum-to.js';

export type { SliceSpec } from './geometry.js';

// A view's backward, kept by its node after backward (it saves nothing), is made by one of these,
// from shapes and geometry alone: a closure written inside the op would hold every variable the
// op's other closures capture, the input among them (autograd.ts, `record`).
const reshapeTo = (shape: readonly number[]) => (g: Tensor) => g.reshape(shape);
const sumBackTo = (shape: readonly number[]) => (g: Tensor) => sumTo(g, shape);
const scatterInto = (shape: readonly number[], relative: Geometry) => (g: Tensor) =>
  stridedScatter(g, shape, relative);
const permuteBy = (order: readonly number[]) => (g: Tensor) => g.permute(order);
const transposeOf = (a: number, b: number) => (g: Tensor) => g.transpose(a, b);
const flipOf = (dims: readonly number[]) => (g: Tensor) => g.flip(dims);

/** A differentiable view of `x` with another geometry over the same storage. */
function asView(name: string, x: Tensor, g: Geometry, backward: (grad: Tensor) => Tensor): Tensor {
  const out = x.viewAs(g.shape, g.strides, g.offset);
  record(name, out, [x], (grad) => [backward(grad)]);
  if (isGradEnabled()) out.trackViewHistory(viewHistory);
  return out;
}

/**
 * The same elements with another shape, as a view sharing the input's storage, like
 * `torch.Tensor.view`: only for a contiguous input (else use {@link reshape}). One size may be
 * -1, inferred from the element count.
 *
 * @param input - A contiguous tensor.
 * @param shape - The new shape, with as many elements.
 * @returns A view of `input`.
 */
export function view(input: Tensor, shape: readonly number[]): Tensor {
  const x = requireTensor('view', input);
  const target = inferShape('view', x, shape);
  if (!x.isContiguous()) {
    throw new Error(
      `view: size is not compatible with the input's size and stride (shape ${formatShape(x.shape)}, strides ${formatShape(x.strides)}); use reshape() instead`,
    );
  }
  return asView(
    'ViewBackward0',
    x,
    { shape: target, strides: contiguousStrides(target), offset: x.offset },
    reshapeTo(x.shape),
  );
}

/**
 * The same elements in row-major order with another shape, like `torch.reshape`: a view when
 * the input is contiguous, else a copy. One size may be -1, inferred from the element count.
 *
 * @param input - The tensor to reshape.
 * @param shape - The new shape, with as many elements.
 * @returns The reshaped tensor.
 *
 * @example
 * ```ts
 * import { arange } from '@fovea/tensor';
 *
 * const m = arange(6).reshape([2, -1]);
 * m.toArray(); // [[0, 1, 2], [3, 4, 5]]
 * m.t().reshape([6]).toArray(); // [0, 3, 1, 4, 2, 5]
 * ```
 */
export function reshape(input: Tensor, shape: readonly number[]): Tensor {
  const x = requireTensor('reshape', input);
  const target = inferShape('reshape', x, shape);
  const source = x.isContiguous() ? x : clone(x);
  return asView(
    'ViewBackward0',
    source,
    { shape: target, strides: contiguousStrides(target), offset: source.offset },
    reshapeTo(x.shape),
  );
}

/**
 * Merges the dimensions from `startDim` to `endDim` into one, like `torch.flatten` (through
 * {@link reshape}: a view when it can be); a 0-d tensor becomes `[1]`.
 *
 * @param input - The tensor to flatten.
 * @param startDim - The first dimension merged; 0 by default.
 * @param endDim - The last dimension merged; -1 (the last) by default.
 * @returns The flattened tensor: `flatten(zeros([2, 3, 4]), 1)` has shape `[2, 12]`.
 */
export function flatten(input: Tensor, startDim = 0, endDim = -1): Tensor {
  const x = requireTensor('flatten', input);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new Error(`flatten: startDim ${startDim} cannot come after endDim ${endDim}`);
  return reshape(x, [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/**
 * The dimensions reordered, like `torch.permute`: dimension `i` of the result is `dims[i]` of
 * the input. A view, sharing the input's storage.
 *
 * @param input - The tensor.
 * @param dims - A permutation of the input's dimensions (negative counts from the end).
 * @returns A view: `permute(zeros([2, 3, 4]), [2, 0, 1])` has shape `[4, 2, 3]`.
 */
export function permute(input: Tensor, dims: readonly number[]): Tensor {
  const x = requireTensor('permute', input);
  checkArray('permute', 'dims', dims);
  if (dims.length !== x.ndim) {
    throw new Error(
      `permute: number of dims ${dims.length} does not match the tensor's ${x.ndim} (shape ${formatShape(x.shape)})`,
    );
  }
  const order = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(order).size !== order.length) throw new Error(`permute: repeated dim in [${dims.join(', ')}]`);
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => {
    inverse[d] = i;
  });
  return asView(
    'PermuteBackward0',
    x,
    { shape: order.map((d) => x.shape[d]), strides: order.map((d) => x.strides[d]), offset: x.offset },
    permuteBy(inverse),
  );
}

/**
 * Two dimensions swapped, like `torch.transpose`: a view, sharing the input's storage.
 *
 * @param input - The tensor.
 * @param dim0 - One dimension (negative counts from the end).
 * @param dim1 - The other.
 * @returns A view: `transpose(zeros([2, 3, 4]), 0, 2)` has shape `[4, 3, 2]`.
 */
export function transpose(input: Tensor, dim0: number, dim1: number): Tensor {
  const x = requireTensor('transpose', input);
  if (x.ndim === 0) return x;
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  const order = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return asView(
    'TransposeBackward0',
    x,
    { shape: order.map((d) => x.shape[d]), strides: order.map((d) => x.strides[d]), offset: x.offset },
    transposeOf(a, b),
  );
}

/**
 * The transpose of a matrix, like `torch.t` (0-D and 1-D inputs are returned as they are).
 *
 * @param input - A tensor of at most 2 dimensions.
 * @returns The transposed view.
 */
export function t(input: Tensor): Tensor {
  const x = requireTensor('t', input);
  if (x.ndim > 2)
    throw new Error(
      `t: expects a tensor with <= 2 dimensions, but the input is ${x.ndim}-D (shape ${formatShape(x.shape)})`,
    );
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/**
 * Removes dimensions of size 1 (all, or only `dim`, if its size is 1) as a view, like `torch.squeeze`.
 *
 * @param input - The tensor.
 * @param dim - The one dimension to remove; all of size 1 by default.
 * @returns A view: `squeeze(zeros([1, 2, 1]))` has shape `[2]`, with `dim` 0 `[2, 1]`.
 */
export function squeeze(input: Tensor, dim?: number): Tensor {
  const x = requireTensor('squeeze', input);
  const d = dim === undefined ? null : normalizeDim('squeeze', dim, x.ndim);
  const keep = x.shape.map((n, i) => !(n === 1 && (d === null || d === i)));
  return asView(
    'SqueezeBackward0',
    x,
    {
      shape: x.shape.filter((_, i) => keep[i]),
      strides: x.strides.filter((_, i) => keep[i]),
      offset: x.offset,
    },
    reshapeTo(x.shape),
  );
}

/**
 * Inserts a dimension of size 1 at `dim`, as a view, like `torch.unsqueeze`.
 *
 * @param input - The tensor.
 * @param dim - Where the new dimension goes, from `-ndim - 1` to `ndim`.
 * @returns A view: `unsqueeze(tensor([1, 2]), 0)` has shape `[1, 2]`, with -1 `[2, 1]`.
 */
export function unsqueeze(input: Tensor, dim: number): Tensor {
  const x = requireTensor('unsqueeze', input);
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d] * x.shape[d] : 1);
  return asView('UnsqueezeBackward0', x, { shape, strides, offset: x.offset }, reshapeTo(x.shape));
}

/**
 * The input broadcast to a larger shape without copying, like `torch.Tensor.expand`: dimensions
 * of size 1 repeat (stride 0) and new ones may be added in front; -1 keeps a size. Write into the
 * result only after `contiguous()`: its elements share memory. The gradient is summed back.
 *
 * @param input - The tensor.
 * @param shape - The target shape (see broadcasting in {@link add}).
 * @returns A view: `expand(tensor([[1], [2]]), [2, 3])` is `[[1, 1, 1], [2, 2, 2]]`.
 */
export function expand(input: Tensor, shape: readonly number[]): Tensor {
  const x = requireTensor('expand', input);
  checkArray('expand', 'size', shape);
  for (const n of shape) {
    if (!Number.isSafeInteger(n) || n < -1) {
      throw argumentError('expand', 'size', 'an array of integers >= -1', shape);
    }
  }
  if (shape.length < x.ndim) {
    throw new Error(
      `expand: the requested shape ${formatShape(shape)} has fewer dimensions than the input ${formatShape(x.shape)}`,
    );
  }
  const lead = shape.length - x.ndim;
  const outShape: number[] = [];
  const strides: number[] = [];
  shape.forEach((n, i) => {
    const j = i - lead;
    const size = j >= 0 ? x.shape[j] : 1;
    const target = n === -1 ? size : n;
    if (j < 0 && n === -1)
      throw new Error(`expand: -1 is not allowed in a new leading dimension (${formatShape(shape)})`);
    if (size !== target && size !== 1) {
      throw new Error(
        `expand: the expanded size ${target} must match the existing size ${size} at dimension ${i} (input ${formatShape(x.shape)}, requested ${formatShape(shape)})`,
      );
    }
    outShape.push(target);
    strides.push(j < 0 || (size === 1 && target !== 1) ? 0 : x.strides[j]);
  });
  return asView('ExpandBackward0', x, { shape: outShape, strides, offset: x.offset }, sumBackTo(x.shape));
}

/**
 * The elements reversed along `dims`, like `torch.flip` (here a view, with negative strides).
 *
 * @param input - The tensor.
 * @param dims - One dimension or several.
 * @returns A view: `flip(K, [0, 1])` turns a kernel by 180 degrees, as {@link convolve2d} does.
 */
export function flip(input: Tensor, dims: number | readonly number[]): Tensor {
  const x = requireTensor('flip', input);
  // PyTorch's x.flip(0) takes one dimension as well as a list.
  if (typeof dims === 'number') return flip(x, [dims]);
  checkArray('flip', 'dims', dims);
  const set = new Set(dims.map((d) => normalizeDim('flip', d, x.ndim)));
  if (set.size !== dims.length) throw new Error(`flip: dims has duplicates: [${dims.join(', ')}]`);
  let offset = x.offset;
  const strides = x.strides.map((s, i) => {
    if (!set.has(i) || x.shape[i] === 0) return s;
    offset += (x.shape[i] - 1) * s;
    return -s;
  });
  return asView('FlipBackward0', x, { shape: [...x.shape], strides, offset }, flipOf(dims));
}

/**
 * Basic indexing, PyTorch's `x[1, :, ::2]`: one spec per leading dimension (see
 * {@link SliceSpec}); a number drops its dimension. A view: in-place writes to it show in the
 * input, and the other way round.
 *
 * @param input - The tensor.
 * @param specs - One index, range or `'...'` per dimension, from the first; the rest are kept whole.
 * @returns A view.
 *
 * @example
 * ```ts
 * import { arange } from '@fovea/tensor';
 *
 * const m = arange(6).reshape([2, 3]);
 * m.slice(1).toArray(); // [3, 4, 5]
 * m.slice(':', 0).toArray(); // [0, 3]
 * m.slice(':', '::-1').toArray(); // [[2, 1, 0], [5, 4, 3]]
 * m.slice('...', [0, 2]).toArray(); // [[0, 1], [3, 4]]
 * m.slice(0).fill_(9);
 * m.toArray(); // [[9, 9, 9], [3, 4, 5]]
 * ```
 */
export function slice(input: Tensor, ...specs: SliceSpec[]): Tensor {
  return sliceAs('slice', input, specs);
}

/** {@link slice}, its errors named `op` (`set`, `select`, `get`: the ops that index through it). */
export function sliceAs(op: string, input: Tensor, specs: readonly SliceSpec[]): Tensor {
  const x = requireTensor(op, input);
  const geometry = sliceGeometry(
    op,
    { shape: [...x.shape], strides: [...x.strides], offset: x.offset },
    specs,
  );
  const relative = sliceGeometry(
    op,
    { shape: [...x.shape], strides: contiguousStrides(x.shape), offset: 0 },
    specs,
  );
  return asView('SliceBackward0', x, geometry, scatterInto(x.shape, relative));
}

/**
 * The `length` entries of dimension `dim` from `start` on, as a view, like `torch.narrow`.
 *
 * @param input - The tensor.
 * @param dim - The dimension to narrow.
 * @param start - The first entry kept (negative counts from the end).
 * @param length - How many entries are kept.
 * @returns A view: `narrow(arange(6), 0, 1, 3)` is `[1, 2, 3]`.
 */
export function narrow(input: Tensor, dim: number, start: number, length: number): Tensor {
  const x = requireTensor('narrow', input);
  const d = normalizeDim('narrow', checkInteger('narrow', 'dim', dim), x.ndim);
  checkInteger('narrow', 'start', start);
  checkInteger('narrow', 'length', length);
  const n = x.shape[d];
  const s = start < 0 ? start + n : start;
  if (s < 0 || length < 0 || s + length > n) {
    throw new Error(
      `narrow: start ${start} + length ${length} exceeds dimension ${d} of size ${n} (shape ${formatShape(x.shape)})`,
    );
  }
  const specs: SliceSpec[] = x.shape.map((_, i) => (i === d ? [s, s + length] : ':'));
  return slice(x, ...specs);
}

/**
 * The slice at `index` along `dim`, that dimension removed, like `torch.select` (`x[:, i]` for
 * dimension 1). A view.
 *
 * @param input - The tensor.
 * @param dim - The dimension to index.
 * @param index - The entry taken (negative counts from the end).
 * @returns A view with one dimension fewer.
 */
export function select(input: Tensor, dim: number, index: number): Tensor {
  const x = requireTensor('select', input);
  const d = normalizeDim('select', checkInteger('select', 'dim', dim), x.ndim);
  checkInteger('select', 'index', index);
  const i = resolveIndex('select', index, d, x.shape);
  // The geometry directly, not through sliceAs's parsing of specs: a data loader's getItems
  // makes a row view per sample, and the spec parser cost ~10 microseconds per view.
  const relative = { shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 };
  return asView(
    'SliceBackward0',
    x,
    selectGeometry(x, d, i),
    scatterInto(x.shape, selectGeometry(relative, d, i)),
  );
}
