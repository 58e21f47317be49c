import { Tensor } from '@fovea/tensor';
import { checkIndex, type Dataset } from './dataset.js';

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
}
