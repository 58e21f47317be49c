import { type BackwardClosure, record } from '../autograd.js';
import { checkElements, checkInteger, checkNumber, checkOneOf, showJson } from '../checks.js';
import { type PadMode, pad2dShape } from '../kernels/pad.js';
import { pad2d, pad2dBackward } from '../kernels/registered/pad.js';
import { numel } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import type { Tensor } from '../tensor.js';
import { kernelOperand, kernelResult } from './device.js';
import { requireTensor, shapesOnlyResult } from './operands.js';

export type { PadMode } from '../kernels/pad.js';

/**
 * Pads the last dimension (`[left, right]`) or the last two (`[left, right, top, bottom]`),
 * as `torch.nn.functional.pad` orders them, with a constant or by reflecting, replicating or
 * wrapping the border. Negative pads crop.
 *
 * Shapes: the padded dimensions grow by their two pads, $W_{out} = W_{in} + \text{left} + \text{right}$
 * and $H_{out} = H_{in} + \text{top} + \text{bottom}$; leading dimensions are kept. `'reflect'`
 * needs every pad smaller than its dimension, `'circular'` no larger. Takes float32 or float64 and
 * keeps the dtype. The gradient sends each output position's gradient back to the input position
 * it was read from.
 *
 * @param input - The tensor to pad, float32 or float64, at least as many dimensions as `pads` names.
 * @param pads - `[left, right]` for the last dimension, or `[left, right, top, bottom]` for the last two.
 * @param mode - `'constant'` (the default), `'reflect'`, `'replicate'` or `'circular'`.
 * @param value - The constant of `'constant'` mode; 0 by default.
 * @returns The padded tensor.
 *
 * @example
 * ```ts
 * import { pad, tensor } from '@fovea/tensor';
 *
 * pad(tensor([[1, 2], [3, 4]]), [1, 1, 0, 1], 'constant', -1).toArray(); // [[-1, 1, 2, -1], [-1, 3, 4, -1], [-1, -1, -1, -1]]
 * pad(tensor([[1, 2, 3]]), [2, 2], 'reflect').toArray(); // [[3, 2, 1, 2, 3, 2, 1]]
 * pad(tensor([[1, 2, 3]]), [2, 2], 'replicate').toArray(); // [[1, 1, 1, 2, 3, 3, 3]]
 * pad(tensor([[1, 2, 3]]), [2, 2], 'circular').toArray(); // [[2, 3, 1, 2, 3, 1, 2]]
 * pad(tensor([[1, 2, 3]]), [-1, 0]).toArray(); // [[2, 3]]
 * ```
 */
export function pad(input: Tensor, pads: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  const x = requireTensor('pad', input);
  if (!Array.isArray(pads) || (pads.length !== 2 && pads.length !== 4)) {
    throw new Error(`pad: expected pads [left, right] or [left, right, top, bottom], got ${showJson(pads)}`);
  }
  for (const p of pads) checkInteger('pad', 'pad', p);
  checkOneOf('pad', 'mode', mode, ['constant', 'reflect', 'replicate', 'circular']);
  checkNumber('pad', 'value', value);
  const data = kernelOperand('pad', x);
  // The size first, from the pads alone: the kernel's plan builds an index map per axis.
  const grown = x.shape.map((d, i) => d + (i === x.ndim - 1 ? pads[0] + pads[1] : 0));
  if (pads.length === 4 && x.ndim >= 2) grown[x.ndim - 2] += pads[2] + pads[3];
  checkElements('pad', numel(grown), grown);
  const outShape = pad2dShape(x.shape, pads, mode);
  const result = isShapesOnly()
    ? shapesOnlyResult(x, outShape)
    : (() => {
        const { out, outShape } = pad2d(data, x.shape, pads, mode, value);
        return kernelResult(out, outShape, x.dtype);
      })();
  const name = `${mode === 'constant' ? 'Constant' : mode[0].toUpperCase() + mode.slice(1)}PadNdBackward0`;
  return record(name, result, [x], padBackward(name, x.shape, pads, mode), [], {
    op: 'pad',
    pads: [...pads],
    mode,
    value,
  });
}

/**
 * The backward of a pad of a tensor shaped `xShape`, made apart from the forward, whose other
 * closure holds the input's data: the node keeps it after backward (autograd.ts, `record`).
 */
function padBackward(
  name: string,
  xShape: readonly number[],
  pads: readonly number[],
  mode: PadMode,
): BackwardClosure {
  return (g) => [padGradInput(name, g, xShape, pads, mode)];
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
  const gx = pad2dBackward(kernelOperand('pad backward', g), g.shape, xShape, pads, mode);
  return record(`${name.slice(0, -1)}Backward0`, kernelResult(gx, [...xShape], g.dtype), [g], (v) => [
    pad(v, pads, mode, 0),
  ]);
}
