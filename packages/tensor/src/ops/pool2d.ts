import { isGradEnabled } from '@fovea/autograd';
import { record } from '../autograd.js';
import { avgPool2dOutputShape, maxPool2dOutputShape } from '../kernels/pool2d.js';
import {
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
} from '../kernels/registered/pool2d.js';
import { type Pair, requireImage } from '../kernels/shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { Tensor } from '../tensor.js';
import { floatData } from './float-data.js';
import { requireTensor, shapesOnlyResult } from './operands.js';

export interface MaxPool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

function noDoubleBackward(op: string): void {
  if (isGradEnabled()) throw new Error(`${op}: higher-order gradients (createGraph) are not supported yet`);
}

/** Max over each window; the gradient goes to the (first) position of each window's maximum. */
export function maxPool2d(input: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor {
  const x = requireTensor('max_pool2d', input);
  requireImage('max_pool2d', x.shape);
  const params = {
    kernel: kernelSize,
    stride: options.stride ?? kernelSize,
    padding: options.padding ?? 0,
    dilation: options.dilation ?? 1,
    ceilMode: options.ceilMode ?? false,
  };
  if (isShapesOnly()) {
    const outShape = maxPool2dOutputShape(x.shape, params);
    return record('MaxPool2DWithIndicesBackward0', shapesOnlyResult(x, outShape), [x], () => [null], [], {
      op: 'max_pool2d',
      ...params,
    });
  }
  const { out, outShape, indices } = maxPool2dForward(floatData('max_pool2d', x), x.shape, params);
  const result = Tensor.fromArray(out, outShape, x.dtype);
  return record(
    'MaxPool2DWithIndicesBackward0',
    result,
    [x],
    (g) => {
      noDoubleBackward('max_pool2d');
      const gx = maxPool2dBackward(floatData('max_pool2d backward', g), g.shape, indices, x.shape);
      return [Tensor.fromArray(gx, x.shape, x.dtype)];
    },
    [],
    { op: 'max_pool2d', ...params },
  );
}

/** Mean over each window, padding counted or not (`countIncludePad`), as `F.avg_pool2d`. */
export function avgPool2d(input: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  const x = requireTensor('avg_pool2d', input);
  requireImage('avg_pool2d', x.shape);
  const params = {
    kernel: kernelSize,
    stride: options.stride ?? kernelSize,
    padding: options.padding ?? 0,
    ceilMode: options.ceilMode ?? false,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride: options.divisorOverride ?? null,
  };
  const result = isShapesOnly()
    ? shapesOnlyResult(x, avgPool2dOutputShape(x.shape, params))
    : (() => {
        const { out, outShape } = avgPool2dForward(floatData('avg_pool2d', x), x.shape, params);
        return Tensor.fromArray(out, outShape, x.dtype);
      })();
  return record(
    'AvgPool2DBackward0',
    result,
    [x],
    (g) => {
      noDoubleBackward('avg_pool2d');
      const gx = avgPool2dBackward(floatData('avg_pool2d backward', g), g.shape, x.shape, params);
      return [Tensor.fromArray(gx, x.shape, x.dtype)];
    },
    [],
    { op: 'avg_pool2d', ...params, dilation: 1 },
  );
}

/** Averages over PyTorch's adaptive windows [floor(i H / oh), ceil((i + 1) H / oh)). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: Pair): Tensor {
  const x = requireTensor('adaptive_avg_pool2d', input);
  requireImage('adaptive_avg_pool2d', x.shape);
  const [oh, ow] = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  const result = isShapesOnly()
    ? shapesOnlyResult(x, [...x.shape.slice(0, -2), oh, ow])
    : (() => {
        const { out, outShape } = adaptiveAvgPool2dForward(
          floatData('adaptive_avg_pool2d', x),
          x.shape,
          outputSize,
        );
        return Tensor.fromArray(out, outShape, x.dtype);
      })();
  return record(
    'AdaptiveAvgPool2DBackward0',
    result,
    [x],
    (g) => {
      noDoubleBackward('adaptive_avg_pool2d');
      const gx = adaptiveAvgPool2dBackward(floatData('adaptive_avg_pool2d backward', g), g.shape, x.shape);
      return [Tensor.fromArray(gx, x.shape, x.dtype)];
    },
    [],
    { op: 'adaptive_avg_pool2d', outputSize: [oh, ow] },
  );
}
