// The bracketed body of a tensor's repr, laid out as torch/_tensor_str.py's
// `_tensor_str_with_formatter` and `_vector_str`, with `get_summarized_data`'s choice of the
// values that are shown.

import type { ElementFormatter } from './formatter.js';

/** A row-major tensor seen by the printer: flat values, shape, and whether to summarise. */
export interface PrintedTensor {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly summarize: boolean;
  readonly edgeitems: number;
}

/** Indices along one axis that are printed; null stands for the `...` in their middle. */
export function shownIndices(tensor: PrintedTensor, axis: number): (number | null)[] {
  const size = tensor.shape[axis];
  const range = (start: number, end: number) => Array.from({ length: end - start }, (_, i) => start + i);
  if (!tensor.summarize || size <= 2 * tensor.edgeitems) return range(0, size);
  return [...range(0, tensor.edgeitems), null, ...range(size - tensor.edgeitems, size)];
}

/**
 * The values that will be printed. The formatter sees only these, so a summarised tensor's
 * hidden middle does not change the notation or the width.
 */
export function shownValues(tensor: PrintedTensor, offset = 0, axis = 0): number[] {
  if (axis === tensor.shape.length) return [tensor.values[offset]];
  return shownIndices(tensor, axis).flatMap((index) =>
    index === null ? [] : shownValues(tensor, offset + index * tensor.strides[axis], axis + 1),
  );
}

/**
 * The sub-tensor at `offset` from `axis` on. `indent` is the column of its opening bracket,
 * so continuation lines start one column to the right of it.
 */
export function layoutTensor(
  tensor: PrintedTensor,
  formatter: ElementFormatter,
  linewidth: number,
  indent: number,
  offset = 0,
  axis = 0,
): string {
  const rank = tensor.shape.length - axis;
  if (rank === 0) return formatter.format(tensor.values[offset]);
  if (rank === 1) return layoutVector(tensor, formatter, linewidth, indent, offset, axis);
  const slices = shownIndices(tensor, axis).map((index) =>
    index === null
      ? '...'
      : layoutTensor(
          tensor,
          formatter,
          linewidth,
          indent + 1,
          offset + index * tensor.strides[axis],
          axis + 1,
        ),
  );
  // Blocks of rank >= 3 are set apart by rank - 2 blank lines.
  return `[${slices.join(`,${'\n'.repeat(rank - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** A 1-d row, wrapped so that each line holds as many padded elements as fit the line width. */
function layoutVector(
  tensor: PrintedTensor,
  formatter: ElementFormatter,
  linewidth: number,
  indent: number,
  offset: number,
  axis: number,
): string {
  // Each element takes its padded width plus ', '; the ' ...' marker counts as one element.
  const elementLength = formatter.width + 2;
  const perLine = Math.max(1, Math.floor((linewidth - indent) / elementLength));
  const elements = shownIndices(tensor, axis).map((index) =>
    index === null ? ' ...' : formatter.format(tensor.values[offset + index * tensor.strides[axis]]),
  );
  const lines: string[] = [];
  for (let start = 0; start < elements.length; start += perLine) {
    lines.push(elements.slice(start, start + perLine).join(', '));
  }
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}
