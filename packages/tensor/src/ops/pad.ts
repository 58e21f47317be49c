import { isGradEnabled } from '@fovea/autograd';
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
  return record(
    name,
    result,
    [x],
    (g) => {
      if (isGradEnabled()) throw new Error('pad: higher-order gradients (createGraph) are not supported yet');
      return [
        Tensor.fromArray(
          pad2dBackward(floatData('pad backward', g), g.shape, x.shape, pads, mode),
          x.shape,
          x.dtype,
        ),
      ];
    },
    [],
    { op: 'pad', pads: [...pads], mode, value },
  );
}
