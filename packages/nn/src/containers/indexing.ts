/** A list index in [-length, length), as a non-negative one (PyTorch's `_get_abs_string_index`). */
export function absoluteIndex(where: string, index: number, length: number): number {
  if (!Number.isInteger(index) || index < -length || index >= length) {
    throw new RangeError(`${where}: index ${index} is out of range (length ${length})`);
  }
  return index < 0 ? index + length : index;
}
