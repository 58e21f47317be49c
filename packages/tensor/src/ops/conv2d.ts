import { isGradEnabled } from '@fovea/autograd';
import { record, saving } from '../autograd.js';
import { checkElements, checkOptions } from '../checks.js';
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
import { formatShape, numel } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { Tensor } from '../tensor.js';
import { checkSameDtype, floatData } from './float-data.js';
import { requireTensor, shapesOnlyResult } from './operands.js';
import { sum } from './reduce.js';

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
 * db sums dY over batch and positions; each is differentiable again (`createGraph`).
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: Conv2dOptions | null,
): Tensor {
  const x0 = requireTensor('conv2d', input);
  options = checkOptions('conv2d', options);
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
  const stride = expandPair('conv2d', 'stride', options.stride ?? 1);
  const dilation = expandPair('conv2d', 'dilation', options.dilation ?? 1);
  const kernel: [number, number] = [w.shape[2], w.shape[3]];
  const params: Conv2dParams = {
    stride,
    dilation,
    groups: options.groups ?? 1,
    padding: resolveConvPadding(options.padding ?? 0, kernel, dilation, stride),
  };
  return convolve(x0, w, b, params, {
    op: 'conv2d',
    kernel,
    stride,
    padding: params.padding,
    dilation,
    groups: params.groups,
  });
}

/**
 * conv2d on a checked batched input with resolved geometry. Its backward is written with
 * `convInputGrad` and `convWeightGrad`, which are differentiable in turn (their own backwards
 * come back here), so gradients of gradients work as in PyTorch's convolution double backward.
 */
function convolve(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  params: Conv2dParams,
  attributes: Readonly<Record<string, unknown>> = {},
): Tensor {
  const outShape = conv2dOutputShape(x.shape, w.shape, params);
  checkElements(String(attributes.op ?? 'conv2d'), numel(outShape), outShape);
  const result = isShapesOnly()
    ? shapesOnlyResult(x, outShape)
    : (() => {
        const bData = b && floatData('conv2d', b, 'bias');
        const { out, outShape } = conv2dForward(
          floatData('conv2d', x),
          x.shape,
          floatData('conv2d', w, 'weight'),
          w.shape,
          bData,
          params,
        );
        return Tensor.fromArray(out, outShape, x.dtype);
      })();
  return record(
    'ConvolutionBackward0',
    result,
    [x, w, b],
    (g) => [
      x.requiresGrad ? convInputGrad(g, w, x.shape, params) : null,
      w.requiresGrad ? convWeightGrad(x, g, w.shape, params) : null,
      b?.requiresGrad ? convBiasGrad(g) : null,
    ],
    saving(w.requiresGrad && x, x.requiresGrad && w),
    attributes,
  );
}

/**
 * dL/dx of conv2d: the transposed convolution of dY with the weight. It is bilinear in (dY, w):
 * <convInputGrad(dY, w), v> = <dY, conv2d(v, w)>, which gives its own gradients.
 */
function convInputGrad(g: Tensor, w: Tensor, xShape: readonly number[], params: Conv2dParams): Tensor {
  const gx = conv2dBackwardInput(
    floatData('conv2d backward', g),
    g.shape,
    floatData('conv2d backward', w, 'weight'),
    w.shape,
    xShape,
    params,
  );
  const result = Tensor.fromArray(gx, [...xShape], g.dtype);
  return record(
    'ConvolutionBackwardBackward0',
    result,
    [g, w],
    (v) => [
      g.requiresGrad ? convolve(v, w, null, params) : null,
      w.requiresGrad ? convWeightGrad(v, g, w.shape, params) : null,
    ],
    saving(g.requiresGrad && w, w.requiresGrad && g),
  );
}

/**
 * dL/dw of conv2d: x correlated with dY. Bilinear in (x, dY): <convWeightGrad(x, dY), v> =
 * <dY, conv2d(x, v)>, so dY gets conv2d(x, v) and x gets the transposed convolution of dY with v.
 */
function convWeightGrad(x: Tensor, g: Tensor, wShape: readonly number[], params: Conv2dParams): Tensor {
  const gw = conv2dBackwardWeight(
    floatData('conv2d backward', x),
    x.shape,
    floatData('conv2d backward', g),
    g.shape,
    wShape,
    params,
  );
  const result = Tensor.fromArray(gw, [...wShape], g.dtype);
  return record(
    'ConvolutionBackwardBackward0',
    result,
    [x, g],
    (v) => [
      x.requiresGrad ? convInputGrad(g, v, x.shape, params) : null,
      g.requiresGrad ? convolve(x, v, null, params) : null,
    ],
    saving(g.requiresGrad && x, x.requiresGrad && g),
  );
}

/** dL/db of conv2d: dY summed over batch and positions (`sum`, differentiable, when recording). */
function convBiasGrad(g: Tensor): Tensor {
  if (isGradEnabled() && g.requiresGrad) return sum(g, [0, 2, 3]);
  return Tensor.fromArray(
    conv2dBackwardBias(floatData('conv2d backward', g), g.shape),
    [g.shape[1]],
    g.dtype,
  );
}
