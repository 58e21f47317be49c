import { isGradEnabled } from '@fovea/autograd';
import { record } from '../autograd.js';
import { type Conv2dParams, conv2dOutputShape } from '../kernels/conv2d.js';
import {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from '../kernels/registered/conv2d.js';
import {
  type ConvPaddingSpec,
  expandPair,
  type Pair,
  requireImage,
  resolveConvPadding,
} from '../kernels/shape.js';
import { formatShape } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { Tensor } from '../tensor.js';
import { checkSameDtype, floatData } from './float-data.js';
import { requireTensor, shapesOnlyResult } from './operands.js';

export interface Conv2dOptions {
  stride?: Pair;
  /** A number, `[h, w]`, `'valid'` (none) or `'same'` (keeps the size; stride 1 only). */
  padding?: ConvPaddingSpec;
  dilation?: Pair;
  groups?: number;
}

/**
 * 2-D convolution as deep learning means it (cross-correlation), like `F.conv2d`: x is
 * [N, C, H, W] (or unbatched [C, H, W]), weight [O, C / groups, kH, kW], bias [O].
 * Gradients: dX is the transposed convolution of dY with the weight, dW correlates X with dY,
 * db sums dY over batch and positions.
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: Conv2dOptions = {},
): Tensor {
  const x0 = requireTensor('conv2d', input);
  const w = requireTensor('conv2d', weight, 'weight');
  const b = bias ?? null;
  if (b !== null) requireTensor('conv2d', b, 'bias');
  requireImage('conv2d', x0.shape);
  if (w.ndim !== 4)
    throw new Error(`conv2d: expected a 4-D weight [O, C / groups, kH, kW], got ${formatShape(w.shape)}`);
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== w.shape[0])) {
    throw new Error(
      `conv2d: expected bias of shape [${w.shape[0]}], got ${formatShape(b.shape)} (weight ${formatShape(w.shape)})`,
    );
  }
  checkSameDtype('conv2d', ['input', x0], ['weight', w], ['bias', b]);
  if (x0.ndim === 3) return conv2d(x0.unsqueeze(0), w, b, options).squeeze(0);
  const x = x0;
  const stride = expandPair('conv2d', 'stride', options.stride ?? 1);
  const dilation = expandPair('conv2d', 'dilation', options.dilation ?? 1);
  const kernel: [number, number] = [w.shape[2], w.shape[3]];
  const params: Conv2dParams = {
    stride,
    dilation,
    groups: options.groups ?? 1,
    padding: resolveConvPadding(options.padding ?? 0, kernel, dilation, stride),
  };
  const xData = floatData('conv2d', x);
  const wData = floatData('conv2d', w, 'weight');
  const forward = () => {
    const bData = b && floatData('conv2d', b, 'bias');
    const { out, outShape } = conv2dForward(xData, x.shape, wData, w.shape, bData, params);
    return Tensor.fromArray(out, outShape, x.dtype);
  };
  const result = isShapesOnly()
    ? shapesOnlyResult(x, conv2dOutputShape(x.shape, w.shape, params))
    : forward();
  return record(
    'ConvolutionBackward0',
    result,
    [x, w, b],
    (g) => {
      if (isGradEnabled())
        throw new Error('conv2d: higher-order gradients (createGraph) are not supported yet');
      const gy = floatData('conv2d backward', g);
      return [
        x.requiresGrad
          ? Tensor.fromArray(
              conv2dBackwardInput(gy, g.shape, wData, w.shape, x.shape, params),
              x.shape,
              x.dtype,
            )
          : null,
        w.requiresGrad
          ? Tensor.fromArray(
              conv2dBackwardWeight(xData, x.shape, gy, g.shape, w.shape, params),
              w.shape,
              w.dtype,
            )
          : null,
        b?.requiresGrad ? Tensor.fromArray(conv2dBackwardBias(gy, g.shape), b.shape, b.dtype) : null,
      ];
    },
    [x, w],
    { op: 'conv2d', kernel, stride, padding: params.padding, dilation, groups: params.groups },
  );
}
