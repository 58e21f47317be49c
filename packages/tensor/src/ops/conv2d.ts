import { isGradEnabled } from '@fovea/autograd';
import { needsGrad, record, saving } from '../autograd.js';
import { checkElements, checkOptions, describe } from '../checks.js';
import { type Conv2dParams, type ConvActivation, conv2dOutputShape } from '../kernels/conv2d-geometry.js';
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
import type { Tensor } from '../tensor.js';
import { sigmoid, sigmoidGradient } from './activation.js';
import { kernelOperand, kernelResult } from './device.js';
import { checkSameDtype } from './float-data.js';
import { requireTensor, shapesOnlyResult } from './operands.js';
import { sum } from './reduce.js';

/** The optional arguments of {@link conv2d}, PyTorch's `F.conv2d` keywords in camelCase. */
export interface Conv2dOptions {
  /** The step of the window, a number for both axes or `[sH, sW]`; 1 by default. */
  stride?: Pair;
  /**
   * Zeros added on both sides of each spatial axis: a number, `[pH, pW]`, `'valid'` (none, the
   * default) or `'same'` (the output keeps the input's size; stride 1 only, and an even
   * effective kernel pads one more at the end, as PyTorch does).
   */
  padding?: ConvPaddingSpec;
  /** The spacing between kernel elements (atrous convolution), a number or `[dH, dW]`; 1 by default. */
  dilation?: Pair;
  /**
   * Splits input and output channels into this many groups, each convolved with its own filters
   * (`groups = C_in` is a depthwise convolution); both channel counts must be divisible by it.
   */
  groups?: number;
  /**
   * An activation applied to the result in the same call, like TensorFlow.js's `fused.conv2d`:
   * `'sigmoid'` gives `sigmoid(conv2d(...))`, the same numbers and gradients bit for bit and the
   * same graph (SigmoidBackward0 after ConvolutionBackward0). On the 'wasm' backend the
   * convolution's own result then never leaves WebAssembly memory (`nn.Sequential` takes this
   * for a Conv2d followed by a Sigmoid). `null` (the default) applies none.
   */
  activation?: ConvActivation | null;
}

/**
 * 2-D convolution as deep learning means it (cross-correlation, the kernel not flipped), like
 * `torch.nn.functional.conv2d`: every output channel `o` is the bias `b[o]` plus the sum over
 * input channels of the input correlated with `weight[o]`.
 *
 * Shapes: input $(N, C_{in}, H_{in}, W_{in})$ or unbatched $(C_{in}, H_{in}, W_{in})$, weight
 * $(C_{out}, C_{in} / \text{groups}, k_H, k_W)$, bias $(C_{out})$, output
 * $(N, C_{out}, H_{out}, W_{out})$ with
 *
 * $$
 * H_{out} = \left\lfloor \frac{H_{in} + 2 p_H - d_H (k_H - 1) - 1}{s_H} \right\rfloor + 1
 * $$
 *
 * $$
 * W_{out} = \left\lfloor \frac{W_{in} + 2 p_W - d_W (k_W - 1) - 1}{s_W} \right\rfloor + 1
 * $$
 *
 * where $s$, $p$ and $d$ are `stride`, `padding` and `dilation` along that axis.
 *
 * Input, weight and bias must share one floating dtype (float32 or float64), which the output
 * has. Runs on the backend in effect (`'wasm'` SIMD, `'js'`, or `'webgpu'` for tensors on the
 * GPU, where the output stays); no operand is moved between devices.
 *
 * Gradients: the input's is the transposed convolution of the output gradient with the weight,
 * the weight's correlates the input with it, the bias's sums it over batch and positions; each
 * is differentiable again (`createGraph`).
 *
 * @param input - The images, `[N, C_in, H, W]` or `[C_in, H, W]`.
 * @param weight - The filters, `[C_out, C_in / groups, kH, kW]`.
 * @param bias - One value per output channel, `[C_out]`, or null (or omitted) for none.
 * @param options - `stride`, `padding`, `dilation`, `groups` and `activation`.
 * @returns The feature maps, `[N, C_out, H_out, W_out]` (unbatched in, unbatched out).
 *
 * @example
 * ```ts
 * import { arange, conv2d, ones, randn, tensor } from '@fovea/tensor';
 *
 * const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
 * const y = conv2d(x, ones([2, 1, 2, 2]), tensor([0, 100]), { stride: 2 });
 * y.toArray(); // [[[[10, 18], [42, 50]], [[110, 118], [142, 150]]]]
 * conv2d(randn([8, 3, 32, 32]), randn([16, 3, 3, 3]), null, { padding: 'same' }).shape; // [8, 16, 32, 32]
 * conv2d(randn([1, 4, 10, 10]), randn([6, 2, 3, 3]), null, { groups: 2, dilation: 2 }).shape; // [1, 6, 6, 6]
 * ```
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
  const activation = options.activation ?? null;
  if (activation !== null && activation !== 'sigmoid') {
    throw new Error(`conv2d: activation must be 'sigmoid' or null, got ${describe(activation)}`);
  }
  if (x0.ndim === 3) {
    const y = conv2d(x0.unsqueeze(0), w, b, { ...options, activation: null }).squeeze(0);
    return activation === null ? y : sigmoid(y);
  }
  const stride = expandPair('conv2d', 'stride', options.stride ?? 1);
  const dilation = expandPair('conv2d', 'dilation', options.dilation ?? 1);
  const kernel: [number, number] = [w.shape[2], w.shape[3]];
  const params: Conv2dParams = {
    stride,
    dilation,
    groups: options.groups ?? 1,
    padding: resolveConvPadding(options.padding ?? 0, kernel, dilation, stride),
  };
  const attributes = {
    op: 'conv2d',
    kernel,
    stride,
    padding: params.padding,
    dilation,
    groups: params.groups,
  };
  return convolve(x0, w, b, params, attributes, activation);
}

/**
 * conv2d on a checked batched input with resolved geometry. Its backward is written with
 * `convInputGrad` and `convWeightGrad`, which are differentiable in turn (their own backwards
 * come back here), so gradients of gradients work as in PyTorch's convolution double backward.
 *
 * With `activation`, sigmoid(conv2d(x, w, b)) in one kernel call (`Conv2dParams.activation`),
 * recorded as the two ops are: the convolution's result, which the backend keeps to itself, is
 * a tensor without values here, the graph's link between the two nodes (its gradient needs x, w
 * and the sigmoid's output, never its values; on a device it is a host tensor without values
 * too). Shapes-only tracing takes the two ops.
 */
function convolve(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  params: Conv2dParams,
  attributes: Readonly<Record<string, unknown>> = {},
  activation: ConvActivation | null = null,
): Tensor {
  if (activation !== null && isShapesOnly()) {
    return sigmoid(convolve(x, w, b, params, attributes));
  }
  const outShape = conv2dOutputShape(x.shape, w.shape, params);
  checkElements(String(attributes.op ?? 'conv2d'), numel(outShape), outShape);
  if (activation === null) {
    const result = isShapesOnly() ? shapesOnlyResult(x, outShape) : forwardResult(x, w, b, params);
    return recordConvolution(result, x, w, b, params, attributes);
  }
  const y = forwardResult(x, w, b, { ...params, activation });
  if (!needsGrad(x, w, b)) return y;
  const z = recordConvolution(shapesOnlyResult(x, outShape), x, w, b, params, attributes);
  return record('SigmoidBackward0', y, [z], (g) => [sigmoidGradient(g, y)], [y]);
}

/** The forward kernel's result. */
function forwardResult(x: Tensor, w: Tensor, b: Tensor | null, params: Conv2dParams): Tensor {
  const { out, outShape } = conv2dForward(
    kernelOperand('conv2d', x),
    x.shape,
    kernelOperand('conv2d', w, 'weight'),
    w.shape,
    b && kernelOperand('conv2d', b, 'bias'),
    params,
  );
  return kernelResult(out, outShape, x.dtype);
}

/** Gives `result`, the convolution of x and w (plus b), its ConvolutionBackward0 node. */
function recordConvolution(
  result: Tensor,
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  params: Conv2dParams,
  attributes: Readonly<Record<string, unknown>>,
): Tensor {
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
    kernelOperand('conv2d backward', g),
    g.shape,
    kernelOperand('conv2d backward', w, 'weight'),
    w.shape,
    xShape,
    params,
  );
  const result = kernelResult(gx, xShape, g.dtype);
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
    kernelOperand('conv2d backward', x),
    x.shape,
    kernelOperand('conv2d backward', g),
    g.shape,
    wShape,
    params,
  );
  const result = kernelResult(gw, wShape, g.dtype);
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
  return kernelResult(
    conv2dBackwardBias(kernelOperand('conv2d backward', g), g.shape),
    [g.shape[1]],
    g.dtype,
  );
}
