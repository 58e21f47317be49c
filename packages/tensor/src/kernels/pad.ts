import { formatShape } from '../shape.js';
import { allocLike, checkSize, type FloatArray } from './shape.js';

/**
 * `torch.nn.functional.pad` over the last two dimensions (or the last one, with two pads).
 * Pads are in F.pad's order, last dimension first: `[left, right, top, bottom]`; a negative pad
 * crops. Each output coordinate reads one source coordinate per axis (or the fill value), so the
 * kernel is two index maps and a gather, and the backward is the matching scatter-add.
 *
 * PyTorch's rules (aten/src/ATen/native/PadNd.cpp, ReflectionPad.cpp, ReplicationPadding.cpp):
 * reflect needs every pad < the size of its dimension; replicate needs a non-empty input;
 * circular needs every pad <= the size and wraps around the cropped input.
 */

/**
 * How {@link pad} fills the border, PyTorch's `mode`: a constant value, the input reflected
 * about its edge (not repeating the edge), the edge value repeated, or the input wrapped around.
 */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

const MODES: readonly string[] = ['constant', 'reflect', 'replicate', 'circular'];

/** Source index along one axis for each output index, -1 for the fill value. */
function axisMap(
  size: number,
  before: number,
  after: number,
  mode: PadMode,
  fail: (why: string) => never,
): Int32Array {
  const outSize = size + before + after;
  if (outSize < 0) fail('the negative padding leaves a negative size');
  if (mode === 'circular') {
    // PyTorch crops first (negative pads), then wraps the positive pads around what is left.
    if (before > size || after > size) fail('padding would wrap around more than once');
    const map = new Int32Array(outSize);
    if (outSize === 0) return map;
    const cropStart = Math.max(0, -before);
    const kept = size - cropStart - Math.max(0, -after);
    if (kept < Math.max(before, after, 1)) fail('padding would wrap around the cropped input more than once');
    const shift = Math.max(0, before);
    for (let i = 0; i < outSize; i++) map[i] = cropStart + ((((i - shift) % kept) + kept) % kept);
    return map;
  }
  if (mode === 'reflect' && (before >= size || after >= size)) {
    fail('reflect padding must be less than the input size in each padded dimension');
  }
  if (mode !== 'constant' && outSize < 1) fail('the output would be empty');
  if (mode === 'replicate' && size < 1) fail('cannot replicate an empty dimension');
  const map = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const v = i - before;
    if (v >= 0 && v < size) map[i] = v;
    else if (mode === 'constant') map[i] = -1;
    else if (mode === 'replicate') map[i] = v < 0 ? 0 : size - 1;
    else map[i] = v < 0 ? -v : 2 * (size - 1) - v;
  }
  return map;
}

/** Where each padded row and column reads from (-1: the fill), and the shapes (webgpu/pad.ts reads it too). */
export interface PadPlan {
  readonly planes: number;
  readonly inH: number;
  readonly inW: number;
  readonly rowMap: Int32Array;
  readonly colMap: Int32Array;
  readonly outShape: number[];
}

export function planPad(xShape: readonly number[], pads: readonly number[], mode: PadMode): PadPlan {
  const fail = (why: string): never => {
    throw new Error(`pad: ${why} (mode '${mode}', pads [${pads.join(', ')}], input ${formatShape(xShape)})`);
  };
  if (!MODES.includes(mode)) fail(`unknown mode, expected one of ${MODES.map((m) => `'${m}'`).join(', ')}`);
  if (pads.length !== 2 && pads.length !== 4)
    fail('expected pads [left, right] or [left, right, top, bottom]');
  if (pads.some((p) => !Number.isInteger(p))) fail('pads must be integers');
  const axes = pads.length / 2;
  if (xShape.length < axes)
    fail(`a ${pads.length}-element padding needs an input of at least ${axes} dimensions`);
  const rank = xShape.length;
  const inW = xShape[rank - 1];
  const inH = axes === 2 ? xShape[rank - 2] : 1;
  const colMap = axisMap(inW, pads[0], pads[1], mode, fail);
  const rowMap = axes === 2 ? axisMap(inH, pads[2], pads[3], mode, fail) : Int32Array.of(0);
  let planes = 1;
  for (let d = 0; d < rank - axes; d++) planes *= xShape[d];
  const outShape = xShape.slice();
  outShape[rank - 1] = colMap.length;
  if (axes === 2) outShape[rank - 2] = rowMap.length;
  return { planes, inH, inW, rowMap, colMap, outShape };
}

/** Output shape of `pad2d`, with its checks. */
export function pad2dShape(
  xShape: readonly number[],
  pads: readonly number[],
  mode: PadMode = 'constant',
): number[] {
  return planPad(xShape, pads, mode).outShape;
}

/**
 * F.pad(x, pads, mode, value) over the last two dimensions (the last one if `pads` has two
 * entries); any leading dimensions are independent planes. `value` is the fill of 'constant'.
 */
export function pad2d<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  pads: readonly number[],
  mode: PadMode = 'constant',
  value = 0,
  out?: T,
): { out: T; outShape: number[] } {
  const { planes, inH, inW, rowMap, colMap, outShape } = planPad(xShape, pads, mode);
  checkSize('pad', 'input', x, xShape);
  const outH = rowMap.length;
  const outW = colMap.length;
  const y = out ?? allocLike(x, planes * outH * outW);
  checkSize('pad', 'out', y, outShape);
  for (let p = 0; p < planes; p++) {
    const src = p * inH * inW;
    let q = p * outH * outW;
    for (let i = 0; i < outH; i++, q += outW) {
      const r = rowMap[i];
      if (r < 0) {
        y.fill(value, q, q + outW);
        continue;
      }
      const row = src + r * inW;
      for (let j = 0; j < outW; j++) {
        const c = colMap[j];
        y[q + j] = c < 0 ? value : x[row + c];
      }
    }
  }
  return { out: y, outShape };
}

/**
 * Gradient of `pad2d`: every output gradient is added to the input position it was read from
 * (reflected, replicated and wrapped positions accumulate); fill positions get nothing.
 */
export function pad2dBackward<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  xShape: readonly number[],
  pads: readonly number[],
  mode: PadMode = 'constant',
  out?: T,
): T {
  const { planes, inH, inW, rowMap, colMap, outShape } = planPad(xShape, pads, mode);
  if (gyShape.length !== outShape.length || outShape.some((d, i) => d !== gyShape[i])) {
    throw new Error(
      `pad backward: expected grad_output ${formatShape(outShape)} for input ${formatShape(xShape)} ` +
        `(mode '${mode}', pads [${pads.join(', ')}]), got ${formatShape(gyShape)}`,
    );
  }
  checkSize('pad backward', 'grad_output', gy, gyShape);
  const outH = rowMap.length;
  const outW = colMap.length;
  const gx = out ?? allocLike(gy, planes * inH * inW);
  checkSize('pad backward', 'out', gx, xShape);
  if (out) gx.fill(0);
  for (let p = 0; p < planes; p++) {
    const dst = p * inH * inW;
    let q = p * outH * outW;
    for (let i = 0; i < outH; i++, q += outW) {
      const r = rowMap[i];
      if (r < 0) continue;
      const row = dst + r * inW;
      for (let j = 0; j < outW; j++) {
        const c = colMap[j];
        if (c >= 0) gx[row + c] += gy[q + j];
      }
    }
  }
  return gx;
}
