import { record } from '../autograd.js';
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

export interface MaxPool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
  /** Also return, per output, the flat position h * W + w of its maximum within its plane. */
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/**
 * Max over each window; the gradient goes to the (first) position of each window's maximum.
 * With `returnIndices`, also those positions (int32, flat within each plane, as PyTorch's
 * int64 indices), which `maxUnpool2d` takes. The backward is a scatter by those positions and
 * is differentiable again (its own backward gathers).
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: Pair,
  options: MaxPool2dOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool2d(
  input: Tensor,
  kernelSize: Pair,
  options?: MaxPool2dOptions & { returnIndices?: false },
): Tensor;
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
    (g) => [scatterAddByIndices('MaxPool2DWithIndicesBackwardBackward0', g, indices, x.shape)],
    [],
    { op: 'max_pool2d', ...params },
  );
  if (!options.returnIndices) return result;
  // A copy: the backward keeps reading its own indices whatever is written to the returned ones.
  // On a device the returned tensor shares them: no device kernel writes int32 in place.
  const returned = isDeviceBuffer(indices) ? indices : indices.slice();
  return [result, kernelResult(returned, outShape, 'int32')];
}

/** Mean over each window, padding counted or not (`countIncludePad`), as `F.avg_pool2d`. */
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
  return record('AvgPool2DBackward0', result, [x], (g) => [avgPoolGradInput(g, x.shape, params)], [], {
    op: 'avg_pool2d',
    ...params,
    dilation: 1,
  });
}

/** Averages over PyTorch's adaptive windows [floor(i H / oh), ceil((i + 1) H / oh)). */
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
  return record(
    'AdaptiveAvgPool2DBackward0',
    result,
    [x],
    (g) => [adaptiveAvgPoolGradInput(g, x.shape, [oh, ow])],
    [],
    { op: 'adaptive_avg_pool2d', outputSize: [oh, ow] },
  );
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
