import type { DType } from '../dtype.js';
import { cast, castAs, toDevice } from '../ops/cast.js';
import { clone, contiguous } from '../ops/copies.js';
import {
  expand,
  flatten,
  flip,
  narrow,
  permute,
  reshape,
  type SliceSpec,
  select,
  slice,
  squeeze,
  t,
  transpose,
  unsqueeze,
  view,
} from '../ops/views.js';
import type { Device } from '../storage.js';
import type { Tensor } from '../tensor.js';

/**
 * Tensor's views, copies and conversions, each its function (`x.reshape(s)` is
 * `reshape(x, s)`). A view shares storage with its base: an in-place write shows in both.
 */
export abstract class ViewMethods {
  /**
   * The same elements in another shape: a view when contiguous, else a copy; see {@link reshape}.
   *
   * @param shape - The new shape; one size may be -1.
   * @returns The reshaped tensor.
   */
  reshape(this: Tensor, shape: readonly number[]): Tensor {
    return reshape(this, shape);
  }
  /**
   * The same elements in another shape, as a view of a contiguous tensor; see {@link view}.
   *
   * @param shape - The new shape; one size may be -1.
   * @returns A view.
   */
  view(this: Tensor, shape: readonly number[]): Tensor {
    return view(this, shape);
  }
  /**
   * The dimensions from `startDim` to `endDim` merged into one; see {@link flatten}.
   *
   * @param startDim - The first dimension merged; 0 by default.
   * @param endDim - The last dimension merged; -1 by default.
   * @returns The flattened tensor.
   */
  flatten(this: Tensor, startDim = 0, endDim = -1): Tensor {
    return flatten(this, startDim, endDim);
  }
  /**
   * The dimensions reordered, as a view; see {@link permute}.
   *
   * @param dims - A permutation of the dimensions.
   * @returns A view.
   */
  permute(this: Tensor, dims: readonly number[]): Tensor {
    return permute(this, dims);
  }
  /**
   * Two dimensions swapped, as a view; see {@link transpose}.
   *
   * @param dim0 - One dimension.
   * @param dim1 - The other.
   * @returns A view.
   */
  transpose(this: Tensor, dim0: number, dim1: number): Tensor {
    return transpose(this, dim0, dim1);
  }
  /**
   * The transpose of a matrix (0-D and 1-D tensors as they are); see {@link t}.
   *
   * @returns A view.
   */
  t(this: Tensor): Tensor {
    return t(this);
  }
  /** Same as `t()`, for a matrix (PyTorch's `.T`): the transposed view. */
  get T(): Tensor {
    return t(this as unknown as Tensor);
  }
  /**
   * Dimensions of size 1 removed (all, or only `dim`); see {@link squeeze}.
   *
   * @param dim - The one dimension to remove; all of size 1 by default.
   * @returns A view.
   */
  squeeze(this: Tensor, dim?: number): Tensor {
    return squeeze(this, dim);
  }
  /**
   * A dimension of size 1 inserted at `dim`; see {@link unsqueeze}.
   *
   * @param dim - Where the new dimension goes.
   * @returns A view.
   */
  unsqueeze(this: Tensor, dim: number): Tensor {
    return unsqueeze(this, dim);
  }
  /**
   * This tensor broadcast to a larger shape without copying; see {@link expand}.
   *
   * @param shape - The target shape; -1 keeps a size.
   * @returns A view.
   */
  expand(this: Tensor, shape: readonly number[]): Tensor {
    return expand(this, shape);
  }
  /**
   * The order of the elements reversed along `dims`; see {@link flip}.
   *
   * @param dims - One dimension or several.
   * @returns A view.
   */
  flip(this: Tensor, dims: number | readonly number[]): Tensor {
    return flip(this, dims);
  }
  /**
   * Basic indexing as a view: one spec per leading dimension, a number (drops the axis), a
   * `'start:end:step'` string (`':'`, `'2:6'`, `'::-1'`), `[start, end, step?]`, or `'...'`; see
   * {@link slice}.
   *
   * @param specs - One index or range per dimension, from the first.
   * @returns A view.
   */
  slice(this: Tensor, ...specs: SliceSpec[]): Tensor {
    return slice(this, ...specs);
  }
  /**
   * The `length` entries of dimension `dim` from `start` on; see {@link narrow}.
   *
   * @param dim - The dimension to narrow.
   * @param start - The first entry kept.
   * @param length - How many entries are kept.
   * @returns A view.
   */
  narrow(this: Tensor, dim: number, start: number, length: number): Tensor {
    return narrow(this, dim, start, length);
  }
  /**
   * The slice at `index` along `dim`, that dimension removed; see {@link select}.
   *
   * @param dim - The dimension to index.
   * @param index - The entry taken.
   * @returns A view with one dimension fewer.
   */
  select(this: Tensor, dim: number, index: number): Tensor {
    return select(this, dim, index);
  }
  /**
   * This tensor when it is row-major already, else a row-major copy; see {@link contiguous}.
   *
   * @returns A contiguous tensor.
   */
  contiguous(this: Tensor): Tensor {
    return contiguous(this);
  }
  /**
   * A copy with its own storage, through which gradients flow; see {@link clone}.
   *
   * @returns The copy.
   */
  clone(this: Tensor): Tensor {
    return clone(this);
  }
  /**
   * A copy with another dtype (see {@link cast}), or on another device, like `torch.Tensor.to`.
   * `to('webgpu')` uploads the values now and gives a new leaf; a GPU tensor comes back with
   * `await t.cpu()`, since a GPU buffer reads back only asynchronously (`to('cpu')` on one
   * throws). Itself when nothing changes.
   *
   * @param target - A dtype (`'float32'`, `'float64'`, `'int32'`, `'bool'`) or a device (`'cpu'`, `'webgpu'`).
   * @returns The converted or moved tensor.
   */
  to(this: Tensor, target: DType | Device): Tensor {
    return target === 'cpu' || target === 'webgpu' ? toDevice(this, target) : castAs('to', this, target);
  }
  /**
   * `to('float32')`, like `torch.Tensor.float`.
   *
   * @returns A float32 tensor.
   */
  float(this: Tensor): Tensor {
    return cast(this, 'float32');
  }
  /**
   * `to('float64')`, like `torch.Tensor.double`.
   *
   * @returns A float64 tensor.
   */
  double(this: Tensor): Tensor {
    return cast(this, 'float64');
  }
  /**
   * `to('int32')` (truncating toward zero), like `torch.Tensor.int`.
   *
   * @returns An int32 tensor.
   */
  int(this: Tensor): Tensor {
    return cast(this, 'int32');
  }
  /**
   * `to('bool')` (nonzero is true), like `torch.Tensor.bool`.
   *
   * @returns A bool tensor.
   */
  bool(this: Tensor): Tensor {
    return cast(this, 'bool');
  }
}
