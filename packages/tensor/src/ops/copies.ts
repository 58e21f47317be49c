/**
 * Copies and strided reads and writes, which the views fall back on: a contiguous copy, gathering
 * and scattering by a geometry, and the history a view regenerates from its base. They depend on
 * no view, so views.ts and the other ops import them from here.
 */
import { FunctionNode, gradientEdge, type Node } from '@fovea/autograd';
import { type BackwardClosure, record } from '../autograd.js';
import { allocate } from '../dtype.js';
import { mapStrided, scatterStrided } from '../kernels/registered/strided.js';
import { numel } from '../shape.js';
import { hostArray } from '../storage.js';
import { Tensor } from '../tensor.js';
import { deviceUnary } from './device.js';
import type { Geometry } from './geometry.js';
import { requireTensor } from './operands.js';

/**
 * A view's history taken straight from its base's current one (PyTorch's regenerated
 * AsStridedBackward0), for when the base was written in place after the view was made: the
 * gradient lands at the view's positions in a zero gradient of the base's shape. Null when the
 * base is not a plain row-major array, whose positions could not be told from the view's.
 */
export function viewHistory(view: Tensor, base: Tensor): Node<Tensor> | null {
  if (!base.isContiguous() || base.offset !== 0) return null;
  const region: Geometry = { shape: [...view.shape], strides: [...view.strides], offset: view.offset };
  return new FunctionNode<Tensor>(
    'AsStridedBackward0',
    [gradientEdge(base)],
    (g) => [stridedScatter(g, base.shape, region)],
    { savesValues: false },
  );
}

/** A contiguous copy of `x`'s values as laid out by `g` (relative to a contiguous `x`). */
export function stridedGather(input: Tensor, g: Geometry): Tensor {
  const x = contiguous(input);
  const out = allocate(x.dtype, numel(g.shape));
  mapStrided((v) => v, hostArray(x, 'as_strided'), g.shape, g.strides, x.offset + g.offset, out);
  const result = Tensor.fromArray(out, g.shape, x.dtype);
  return record('AsStridedBackward0', result, [x], scatterBackward(x.shape, g));
}

/** The backward of a gather by `g` from a tensor shaped `shape`, made apart from the forward: the node keeps no tensor (autograd.ts, `record`). */
function scatterBackward(shape: readonly number[], g: Geometry): BackwardClosure {
  return (grad) => [stridedScatter(grad, shape, g)];
}

/** Zeros of `shape` with `values` added at the positions `g` describes: the adjoint of a gather. */
export function stridedScatter(values: Tensor, shape: readonly number[], g: Geometry): Tensor {
  const v = contiguous(values);
  const out = allocate(v.dtype, numel(shape));
  scatterStrided(
    hostArray(v, 'as_strided backward').subarray(v.offset, v.offset + v.numel),
    out,
    g.shape,
    g.strides,
    g.offset,
    true,
  );
  const result = Tensor.fromArray(out, shape, v.dtype);
  return record('AsStridedScatterBackward0', result, [v], (grad) => [stridedGather(grad, g)]);
}

/**
 * A contiguous copy with its own storage, like `torch.clone` (on the GPU for a GPU tensor).
 *
 * @param input - The tensor to copy.
 * @returns The copy, of the same dtype, shape and device.
 */
export function clone(input: Tensor): Tensor {
  const x = requireTensor('clone', input);
  // A device tensor is copied on its device (the strided 'copy' kernel), never through the host.
  const out =
    x.storage.deviceBuffer === null
      ? Tensor.fromArray(x.dataSync(), x.shape, x.dtype)
      : deviceUnary((v) => v, x, x.dtype, 'copy');
  return record('CloneBackward0', out, [x], (g) => [g]);
}

/**
 * `input` itself when already row-major, else a row-major copy, like `Tensor.contiguous`.
 *
 * @param input - The tensor.
 * @returns A contiguous tensor with the same values.
 */
export function contiguous(input: Tensor): Tensor {
  const x = requireTensor('contiguous', input);
  return x.isContiguous() ? x : clone(x);
}
