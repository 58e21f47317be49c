import { stack, Tensor } from '@fovea/tensor';
import { rowsOf } from './batch-rows.js';
import { checkIndex, checkIndices, type Dataset } from './dataset.js';

/** `torch.utils.data.TensorDataset`: sample i is the i-th slice of each tensor along dim 0. */
export class TensorDataset implements Dataset<Tensor[]> {
  /** The tensors, all of one length along dimension 0. */
  readonly tensors: readonly Tensor[];

  /**
   * A dataset over `tensors`, like `TensorDataset(x, y)`.
   *
   * @param tensors - One or more tensors of the same size along dimension 0.
   */
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error('TensorDataset: expected at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} is not a Tensor`);
      if (t.shape.length === 0)
        throw new Error(`TensorDataset: tensor ${i} is a scalar; it has no samples to index`);
    });
    const sizes = tensors.map((t) => t.shape[0]);
    if (sizes.some((n) => n !== sizes[0])) {
      throw new Error(
        `TensorDataset: size mismatch between tensors: first dimensions [${sizes.join(', ')}] (shapes ${tensors.map((t) => `[${t.shape.join(', ')}]`).join(', ')})`,
      );
    }
    this.tensors = tensors;
  }

  /** The number of samples: the tensors' size along dimension 0. */
  get length(): number {
    return this.tensors[0].shape[0];
  }

  /**
   * The i-th slice of each tensor along dimension 0 (views).
   *
   * @param index - From 0 to `length - 1`.
   * @returns One tensor per tensor of the dataset.
   */
  get(index: number): Tensor[] {
    const i = checkIndex('TensorDataset.get', index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }

  /**
   * The samples at `indices`, like PyTorch's `__getitems__`: what `get` gives for each, with
   * each tensor's slices gathered into one batch that the samples' tensors are rows of.
   * `DataLoader` fetches its batches this way, and `defaultCollate` hands those batches over
   * instead of stacking them again.
   *
   * @param indices - Each from 0 to `length - 1`.
   * @returns One array of tensors per index.
   */
  getItems(indices: readonly number[]): Tensor[][] {
    const rows = checkIndices('TensorDataset.getItems', indices, this.length);
    if (rows.length === 0) return [];
    const columns = this.tensors.map((t) => rowsOf(stack(rows.map((i) => t.select(0, i)))));
    return rows.map((_, k) => columns.map((column) => column[k]));
  }
}
