import { Tensor } from '@fovea/tensor';
import { checkIndex, type Dataset } from './dataset.js';

/** `torch.utils.data.TensorDataset`: sample i is the i-th slice of each tensor along dim 0. */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

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

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    const i = checkIndex('TensorDataset.get', index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }
}
