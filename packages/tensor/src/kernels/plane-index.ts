import { formatShape } from '../shape.js';
import { allocLike, checkSize, type FloatArray } from './shape.js';

/**
 * Moves values by flat positions h * W + w within each plane of [..., H, W] tensors (leading
 * dimensions are independent planes), the index format of max pooling's `returnIndices`:
 * gathering reads with such indices, unpooling writes with them. Scattering with accumulation is
 * max pooling's backward (`maxPool2dBackward` in pool2d.ts).
 */

function planeSizes(shape: readonly number[]): { planes: number; plane: number } {
  const rank = shape.length;
  let planes = 1;
  for (let d = 0; d < rank - 2; d++) planes *= shape[d];
  return { planes, plane: shape[rank - 2] * shape[rank - 1] };
}

/** out[p, i] = src[p, indices[p, i]]: `indices` has `outShape`, its leading dims those of `srcShape`. */
export function gatherPlanes<T extends FloatArray>(
  src: T,
  srcShape: readonly number[],
  indices: Int32Array,
  outShape: readonly number[],
): T {
  const op = 'gather by plane indices';
  checkSize(op, 'source', src, srcShape);
  checkSize(op, 'indices', indices, outShape);
  const { planes, plane } = planeSizes(srcShape);
  const { planes: outPlanes, plane: outPlane } = planeSizes(outShape);
  if (planes !== outPlanes) {
    throw new Error(`${op}: indices ${formatShape(outShape)} do not match source ${formatShape(srcShape)}`);
  }
  const out = allocLike(src, planes * outPlane);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    for (let i = 0; i < outPlane; i++, q++) {
      const at = indices[q];
      if (at < 0 || at >= plane) {
        throw new Error(`${op}: index ${at} is out of range for planes of ${plane} elements`);
      }
      out[q] = src[base + at];
    }
  }
  return out;
}

/**
 * out[p, indices[p, i]] = values[p, i] into zeros of `outShape`, a later write replacing an
 * earlier one as PyTorch's CPU `max_unpool2d` does. An index outside the plane is an error
 * naming `op` and the plane's size, like PyTorch's.
 */
export function scatterPlanes<T extends FloatArray>(
  op: string,
  values: T,
  valuesShape: readonly number[],
  indices: Int32Array,
  outShape: readonly number[],
): T {
  checkSize(op, 'input', values, valuesShape);
  checkSize(op, 'indices', indices, valuesShape);
  const { planes, plane: inPlane } = planeSizes(valuesShape);
  const { plane } = planeSizes(outShape);
  const out = allocLike(values, planes * plane);
  const rank = outShape.length;
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    for (let i = 0; i < inPlane; i++, q++) {
      const at = indices[q];
      if (at < 0 || at >= plane) {
        throw new Error(
          `${op}: found an invalid max index ${at} (output planes are of size ` +
            `${outShape[rank - 2]}x${outShape[rank - 1]})`,
        );
      }
      out[base + at] = values[q];
    }
  }
  return out;
}
