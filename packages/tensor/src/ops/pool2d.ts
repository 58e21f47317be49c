import { type BackwardClosure, record } from '../autograd.js';
import { checkElements, checkOptions } from '../checks.js';
import { type AvgPool2dParams, avgPool2dOutputShape, maxPool2dOutputShape } from '../kernels/pool2d.js';
import {
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dForward,
} from '../kernels/registered/pool2d.js';
import { expandPair, type Pair, requireImage, requirePositive } from '../kernels/shape.js';
import { numel } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { isDeviceBuffer } from '../storage.js';
import { Tensor } from '../tensor.js';
import { kernelOperand, kernelResult } from './device.js';
import { requireTensor, shapesOnlyResult } from './operands.js';
import { scatterAddByIndices } from './plane-index.js';

/** The optional arguments of {@link maxPool2d}, PyTorch's `F.max_pool2d` keywords in camelCase. */
export interface MaxPool2dOptions {
  /** The step of the window, a number or `[sH, sW]`; the kernel size by default (windows that do not overlap). */
  stride?: Pair | null;
  /** Implicit -infinity added on both sides of each axis, a number or `[pH, pW]`, at most half the kernel; 0 by default. */
  padding?: Pair;
  /** The spacing between window elements, a number or `[dH, dW]`; 1 by default. */
  dilation?: Pair;
  /** Rounds the output size up instead of down (a last, partial window), as long as that window starts inside the input or the left padding. */
  ceilMode?: boolean;
  /** Also return, per output, the flat position h * W + w of its maximum within its plane. */
  returnIndices?: boolean;
}

/** The optional arguments of {@link avgPool2d}, PyTorch's `F.avg_pool2d` keywords in camelCase. */
export interface AvgPool2dOptions {
  /** The step of the window, a number or `[sH, sW]`; the kernel size by default. */
  stride?: Pair | null;
  /** Zeros added on both sides of each axis, a number or `[pH, pW]`, at most half the kernel; 0 by default. */
  padding?: Pair;
  /** Rounds the output size up instead of down, as for {@link MaxPool2dOptions.ceilMode}. */
  ceilMode?: boolean;
  /** Counts the padding zeros in each window's divisor (true, the default) or only the input's elements. */
  countIncludePad?: boolean;
  /** Divides every window's sum by this number instead of its size. */
  divisorOverride?: number | null;
}

/**
 * 2-D max pooling, like `torch.nn.functional.max_pool2d`: the largest value of each window,
 * per channel.
 *
 * Shapes: input $(N, C, H_{in}, W_{in})$ or $(C, H_{in}, W_{in})$, output
 * $(N, C, H_{out}, W_{out})$ with
 *
 * $$
 * H_{out} = \left\lfloor \frac{H_{in} + 2 p_H - d_H (k_H - 1) - 1}{s_H} \right\rfloor + 1
 * $$
 *
 * and the same for $W_{out}$, where $k$, $s$, $p$ and $d$ are `kernelSize`, `stride`, `padding`
 * and `dilation` along that axis; `ceilMode` rounds up instead ($\lceil \cdot \rceil$), dropping
 * a last window that would start in the right padding.
 *
 * Takes float32 or float64 and keeps the dtype. The gradient goes to the (first) position of each
 * window's maximum; it is differentiable again.
 *
 * @param input - The images, `[N, C, H, W]` or `[C, H, W]`, float32 or float64.
 * @param kernelSize - The window, a number or `[kH, kW]`.
 * @param options - `stride`, `padding`, `dilation`, `ceilMode`, and `returnIndices: true` for the
 * positions of the maxima as well.
 * @returns The pooled maps; with `returnIndices`, `[values, indices]`, the indices int32 (PyTorch's
 * are int64), flat positions `h * W + w` within each input plane, as {@link maxUnpool2d} takes them.
 *
 * @example
 * ```ts
 * import { arange, maxPool2d, randn } from '@fovea/tensor';
 *
 * const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
 * maxPool2d(x, 2).toArray(); // [[[[5, 7], [13, 15]]]]
 * const [values, indices] = maxPool2d(x, 2, { returnIndices: true });
 * indices.toArray(); // [[[[5, 7], [13, 15]]]]
 * maxPool2d(randn([1, 3, 8, 8]), 3, { stride: 2 }).shape; // [1, 3, 3, 3]
 * maxPool2d(randn([1, 3, 8, 8]), 3, { stride: 2, ceilMode: true }).shape; // [1, 3, 4, 4]
 * ```
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: Pair,
  options: MaxPool2dOptions & { returnIndices: true },
): [Tensor, Tensor];
/**
 * {@link maxPool2d} without the indices: the pooled maps alone.
 *
 * @param input - The images, `[N, C, H, W]` or `[C, H, W]`, float32 or float64.
 * @param kernelSize - The window, a number or `[kH, kW]`.
 * @param options - `stride`, `padding`, `dilation` and `ceilMode`.
 * @returns The pooled maps, `[N, C, H_out, W_out]` (or unbatched).
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: Pair,
  options?: MaxPool2dOptions & { returnIndices?: false },
): Tensor;
/**
 * {@link maxPool2d} with `returnIndices` known only when it runs.
 *
 * @param input - The images, `[N, C, H, W]` or `[C, H, W]`, float32 or float64.
 * @param kernelSize - The window, a number or `[kH, kW]`.
 * @param options - As for the other forms.
 * @returns The pooled maps, or `[values, indices]` with `returnIndices`.
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: Pair,
  options?: MaxPool2dOptions,
): Tensor | [Tensor, Tensor];
export function maxPool2d(
  input: Tensor,
  kernelSize: Pair,
  options?: MaxPool2dOptions | null,
): Tensor | [Tensor, Tensor] {
  const x = requireTensor('max_pool2d', input);
  requireImage('max_pool2d', x.shape);
  options = checkOptions('max_pool2d', options);
  const params = {
    kernel: kernelSize,
    stride: options.stride ?? kernelSize,
    padding: options.padding ?? 0,
    dilation: options.dilation ?? 1,
    ceilMode: options.ceilMode ?? false,
  };
  const outShape = maxPool2dOutputShape(x.shape, params);
  checkElements('max_pool2d', numel(outShape), outShape);
  if (isShapesOnly()) {
    const traced = record(
      'MaxPool2DWithIndicesBackward0',
      shapesOnlyResult(x, outShape),
      [x],
      () => [null],
      [],
      {
        op: 'max_pool2d',
        ...params,
      },
    );
    return options.returnIndices ? [traced, Tensor.fromArray(new Int32Array(0), outShape, 'int32')] : traced;
  }
  const { out, indices } = maxPool2dForward(kernelOperand('max_pool2d', x), x.shape, params);
  const result = record(
    'MaxPool2DWithIndicesBackward0',
    kernelResult(out, outShape, x.dtype),
    [x],
    maxPoolBackward(indices, x.shape),
    [],
    { op: 'max_pool2d', ...params },
  );
  if (!options.returnIndices) return result;
  // A copy: the backward keeps reading its own indices whatever is written to the returned ones.
  // On a device the returned tensor shares them: no device kernel writes int32 in place.
  const returned = isDeviceBuffer(indices) ? indices : indices.slice();
  return [result, kernelResult(returned, outShape, 'int32')];
}

/**
 * 2-D average pooling, like `torch.nn.functional.avg_pool2d`: the mean of each window, per
 * channel, with the padding's zeros counted in the divisor or not (`countIncludePad`).
 *
 * Shapes: input $(N, C, H_{in}, W_{in})$ or $(C, H_{in}, W_{in})$, output
 * $(N, C, H_{out}, W_{out})$ with
 *
 * $$
 * H_{out} = \left\lfloor \frac{H_{in} + 2 p_H - k_H}{s_H} \right\rfloor + 1
 * $$
 *
 * and the same for $W_{out}$ (`ceilMode` rounds up). Takes float32 or float64 and keeps the
 * dtype; the gradient spreads each output's gradient evenly over its window.
 *
 * @param input - The images, `[N, C, H, W]` or `[C, H, W]`, float32 or float64.
 * @param kernelSize - The window, a number or `[kH, kW]`.
 * @param options - `stride`, `padding`, `ceilMode`, `countIncludePad` and `divisorOverride`.
 * @returns The pooled maps, `[N, C, H_out, W_out]` (or unbatched).
 *
 * @example
 * ```ts
 * import { arange, avgPool2d } from '@fovea/tensor';
 *
 * const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
 * avgPool2d(x, 2).toArray(); // [[[[2.5, 4.5], [10.5, 12.5]]]]
 * avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false }).toArray()[0][0][0]; // [2.5, 3, 4, 4.5]
 * ```
 */
export function avgPool2d(input: Tensor, kernelSize: Pair, options?: AvgPool2dOptions | null): Tensor {
  const x = requireTensor('avg_pool2d', input);
  requireImage('avg_pool2d', x.shape);
  options = checkOptions('avg_pool2d', options);
  const params = {
    kernel: kernelSize,
    stride: options.stride ?? kernelSize,
    padding: options.padding ?? 0,
    ceilMode: options.ceilMode ?? false,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride: options.divisorOverride ?? null,
  };
  const outShape = avgPool2dOutputShape(x.shape, params);
  checkElements('avg_pool2d', numel(outShape), outShape);
  const result = isShapesOnly()
    ? shapesOnlyResult(x, outShape)
    : (() => {
        const { out, outShape } = avgPool2dForward(kernelOperand('avg_pool2d', x), x.shape, params);
        return kernelResult(out, outShape, x.dtype);
      })();
  return record('AvgPool2DBackward0', result, [x], avgPoolBackward(x.shape, params), [], {
    op: 'avg_pool2d',
    ...params,
    dilation: 1,
  });
}

/**
 * 2-D adaptive average pooling, like `torch.nn.functional.adaptive_avg_pool2d`: the output has
 * the size asked for, whatever the input's, each output element the mean of PyTorch's window
 * along each axis,
 *
 * $$
 * \left[\left\lfloor \frac{i \, H_{in}}{H_{out}} \right\rfloor,
 * \left\lceil \frac{(i + 1) H_{in}}{H_{out}} \right\rceil\right)
 * $$
 *
 * (windows overlap when the sizes do not divide). Takes float32 or float64 and keeps the dtype.
 *
 * @param input - The images, `[N, C, H, W]` or `[C, H, W]`, float32 or float64.
 * @param outputSize - The output's `[H_out, W_out]`, or one number for both.
 * @returns The pooled maps, `[N, C, H_out, W_out]` (or unbatched).
 *
 * @example
 * ```ts
 * import { adaptiveAvgPool2d, arange } from '@fovea/tensor';
 *
 * const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
 * adaptiveAvgPool2d(x, 1).toArray(); // [[[[7.5]]]]
 * adaptiveAvgPool2d(x, [1, 2]).toArray(); // [[[[6.5, 8.5]]]]
 * ```
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: Pair): Tensor {
  const x = requireTensor('adaptive_avg_pool2d', input);
  requireImage('adaptive_avg_pool2d', x.shape);
  const [oh, ow] = expandPair('adaptive_avg_pool2d', 'output_size', outputSize);
  requirePositive('adaptive_avg_pool2d', 'output_size', [oh, ow]);
  const outShape = [...x.shape.slice(0, -2), oh, ow];
  checkElements('adaptive_avg_pool2d', numel(outShape), outShape);
  const result = isShapesOnly()
    ? shapesOnlyResult(x, outShape)
    : (() => {
        const { out, outShape } = adaptiveAvgPool2dForward(
          kernelOperand('adaptive_avg_pool2d', x),
          x.shape,
          outputSize,
        );
        return kernelResult(out, outShape, x.dtype);
      })();
  return record('AdaptiveAvgPool2DBackward0', result, [x], adaptiveAvgPoolBackward(x.shape, [oh, ow]), [], {
    op: 'adaptive_avg_pool2d',
    outputSize: [oh, ow],
  });
}

// The pooling backwards are made here, apart from the forwards, from shapes and indices: their
// nodes keep them after backward (they save no tensor), and a closure made inside a forward would
// hold every variable the forward's other closures capture, its input among them
// (autograd.ts, `record`).

function maxPoolBackward(indices: Int32Array, xShape: readonly number[]): BackwardClosure {
  return (g) => [scatterAddByIndices('MaxPool2DWithIndicesBackwardBackward0', g, indices, xShape)];
}

function avgPoolBackward(xShape: readonly number[], params: AvgPool2dParams): BackwardClosure {
  return (g) => [avgPoolGradInput(g, xShape, params)];
}

function adaptiveAvgPoolBackward(xShape: readonly number[], outputSize: [number, number]): BackwardClosure {
  return (g) => [adaptiveAvgPoolGradInput(g, xShape, outputSize)];
}

/**
 * Average pooling's backward, a linear map whose adjoint is average pooling itself (the same
 * windows and divisors), which makes it differentiable.
 */
function avgPoolGradInput(g: Tensor, xShape: readonly number[], params: AvgPool2dParams): Tensor {
  const gx = avgPool2dBackward(kernelOperand('avg_pool2d backward', g), g.shape, xShape, params);
  return record('AvgPool2DBackwardBackward0', kernelResult(gx, [...xShape], g.dtype), [g], (v) => [
    avgPool2d(v, params.kernel, params),
  ]);
}

/** Adaptive average pooling's backward; its adjoint is the pooling itself. */
function adaptiveAvgPoolGradInput(
  g: Tensor,
  xShape: readonly number[],
  outputSize: [number, number],
): Tensor {
  const gx = adaptiveAvgPool2dBackward(kernelOperand('adaptive_avg_pool2d backward', g), g.shape, xShape);
  return record('AdaptiveAvgPool2DBackwardBackward0', kernelResult(gx, [...xShape], g.dtype), [g], (v) => [
    adaptiveAvgPool2d(v, outputSize),
  ]);
}
