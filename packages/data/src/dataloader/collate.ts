import { checkArray, MAX_DIMS, stack, Tensor, tensor } from '@fovea/tensor';
import { takeBatch } from '../dataset/batch-rows.js';

/**
 * `torch.utils.data.default_collate`: a list of samples to one batched sample. Tensors are
 * stacked along a new first dimension; integers become an int32 tensor (PyTorch's int64),
 * other numbers a float64 one and booleans a bool one, as PyTorch does for Python scalars;
 * arrays and objects are collated position by position, key by key.
 */
export function defaultCollate(batch: readonly unknown[]): unknown {
  return collate(batch, 0);
}

/** {@link defaultCollate} of samples nested `depth` levels inside the batch's. */
function collate(batch: readonly unknown[], depth: number): unknown {
  checkArray('defaultCollate', 'batch', batch);
  if (batch.length === 0) throw new Error('defaultCollate: the batch is empty');
  // The bound also ends the walk of a sample that contains itself.
  if (depth > MAX_DIMS) {
    throw new Error(
      `defaultCollate: samples nested deeper than ${MAX_DIMS} levels (or a sample that contains itself)`,
    );
  }
  const first = batch[0];
  if (first instanceof Tensor) {
    batch.forEach((item, i) => {
      if (!(item instanceof Tensor)) throw mixed(i, 'a Tensor', item);
      if (item.shape.length !== first.shape.length || item.shape.some((n, d) => n !== first.shape[d])) {
        throw new Error(
          `defaultCollate: every tensor in a batch must have the same shape, got [${first.shape.join(', ')}] at 0 and [${item.shape.join(', ')}] at ${i}`,
        );
      }
    });
    // Rows a dataset's getItems gathered into one batch are that batch already.
    return takeBatch(batch as Tensor[]) ?? stack(batch as Tensor[]);
  }
  if (typeof first === 'number') {
    const values = batch.map((item, i) => {
      if (typeof item !== 'number') throw mixed(i, 'a number', item);
      return item;
    });
    const dtype = values.every(Number.isInteger) ? 'int32' : 'float64';
    const wide = values.find((v) => dtype === 'int32' && (v > 2147483647 || v < -2147483648));
    if (wide !== undefined) {
      // Fovea's int32 plays PyTorch's int64 here; a wider integer would wrap.
      throw new Error(`defaultCollate: integer ${wide} cannot be converted to type int32 without overflow`);
    }
    return tensor(values, { dtype });
  }
  if (typeof first === 'boolean') {
    return tensor(
      batch.map((item, i) => {
        if (typeof item !== 'boolean') throw mixed(i, 'a boolean', item);
        return item;
      }),
    );
  }
  if (Array.isArray(first)) {
    const size = first.length;
    batch.forEach((item, i) => {
      if (!Array.isArray(item) || item.length !== size) {
        throw new Error(
          `defaultCollate: each sample in a batch must have the same number of elements (${size} at 0, ${Array.isArray(item) ? item.length : describe(item)} at ${i})`,
        );
      }
    });
    return first.map((_, k) =>
      collate(
        batch.map((item) => (item as unknown[])[k]),
        depth + 1,
      ),
    );
  }
  if (typeof first === 'object' && first !== null && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collate(
        batch.map((item, i) => {
          if (typeof item !== 'object' || item === null || !(key in item)) {
            throw new Error(`defaultCollate: sample ${i} has no key '${key}' that sample 0 has`);
          }
          return (item as Record<string, unknown>)[key];
        }),
        depth + 1,
      );
    }
    return out;
  }
  throw new TypeError(
    `defaultCollate: a batch must contain tensors, numbers, booleans, arrays or plain objects; found ${describe(first)}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}

function mixed(index: number, expected: string, got: unknown): Error {
  return new TypeError(`defaultCollate: sample 0 is ${expected} but sample ${index} is ${describe(got)}`);
}
