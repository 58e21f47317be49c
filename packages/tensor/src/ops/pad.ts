import { record } from '../autograd.js';
import { type PadMode, pad2d, pad2dBackward, pad2dShape } from '../kernels/pad.js';
import { isShapesOnly } from '../shapes-only.js';
import { Tensor } from '../tensor.js';
import { floatData } from './float-data.js';
import { requireTensor, shapesOnlyResult } from './operands.js';

export type { PadMode } from '../kernels/pad.js';

/**
 * Pads the last dimension (`[left, right]`) or the last two (`[left, right, top, bottom]`),
 * as `F.pad` orders them, with a constant or by reflecting, replicating or wrapping the border.
 * Negative pads crop. The gradient sends each output position's gradient back to the input
 * position it was read from.
 */
export function pad(input: Tensor, pads: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  const x = requireTensor('pad', input);
  if (!Array.isArray(pads) || (pads.length !== 2 && pads.length !== 4)) {
    throw new Error(
      `pad: expected pads [left, right] or [left, right, top, bottom], got ${JSON.stringify(pads)}`,
    );
  }
  const data = floatData('pad', x);
  const result = isShapesOnly()
    ? shapesOnlyResult(x, pad2dShape(x.shape, pads, mode))
    : (() => {
        const { out, outShape } = pad2d(data, x.shape, pads, mode, value);
        return Tensor.fromArray(out, outShape, x.dtype);
      })();
  const name = `${mode === 'constant' ? 'Constant' : mode[0].toUpperCase() + mode.slice(1)}PadNdBackward0`;
  return record(name, result, [x], (g) => [padGradInput(name, g, x.shape, pads, mode)], [], {
    op: 'pad',
    pads: [...pads],
    mode,
    value,
  });
}

/**
 * pad's backward: each output gradient added to the input position it was read from. A linear
 * map whose adjoint is padding with zeros in the same mode, which makes it differentiable.
 */
function padGradInput(
  name: string,
  g: Tensor,
  xShape: readonly number[],
  pads: readonly number[],
  mode: PadMode,
): Tensor {
  const gx = pad2dBackward(floatData('pad backward', g), g.shape, xShape, pads, mode);
  return record(`${name.slice(0, -1)}Backward0`, Tensor.fromArray(gx, [...xShape], g.dtype), [g], (v) => [
    pad(v, pads, mode, 0),
  ]);
}
