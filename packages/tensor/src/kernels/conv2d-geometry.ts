import { formatShape } from '../shape.js';
import { type PatchGeometry, patchGeometry } from './im2col.js';
import { type Padding4, requireNonNegative, requirePositive } from './shape.js';

/** A conv2d call's parameters and its checked sizes: what every conv2d kernel and backend reads first. */

export interface Conv2dParams {
  readonly stride: readonly [number, number];
  /** Explicit zero padding `[top, bottom, left, right]` (see `resolveConvPadding`). */
  readonly padding: Padding4;
  readonly dilation: readonly [number, number];
  readonly groups: number;
  /**
   * 'im2col' (patch matrix + GEMM), 'direct' loops or 'winograd' (3 x 3 kernels, stride and
   * dilation 1; forward and input gradient, and on the WebAssembly backend the weight gradient,
   * by F(3 x 3, 4 x 4)); 'auto' (the default) chooses as conv2d-tuning.ts says. All give the same
   * numbers up to rounding.
   */
  readonly algorithm?: 'auto' | 'im2col' | 'direct' | 'winograd';
  /**
   * Winograd's output tile, F(2 x 2, 3 x 3), F(4 x 4, 3 x 3) or F(6 x 6, 3 x 3), of the forward
   * and the input gradient; by default as conv2d-tuning.ts says.
   */
  readonly winogradTile?: WinogradTile;
  /**
   * An activation the forward applies to its result before handing it back (`conv2d`'s
   * `activation` option): the numbers of the activation's own kernel on that result, which then
   * never leaves the backend (WebAssembly memory). The gradient kernels ignore it.
   */
  readonly activation?: ConvActivation;
}

/** The activations a conv2d forward applies to its result itself. */
export type ConvActivation = 'sigmoid';

/** The side of a Winograd conv's output tile. */
export type WinogradTile = 2 | 4 | 6;

/** Sizes of one conv2d call, checked. */
export interface Conv2dGeometry extends PatchGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  readonly groups: number;
}

/** conv2dGeometry's error, the op and both shapes around the rule: no closure built per call. */
function shapeError(op: string, rule: string, xShape: readonly number[], wShape: readonly number[]): Error {
  return new Error(`${op}: ${rule} (input ${formatShape(xShape)}, weight ${formatShape(wShape)})`);
}

/**
 * Checks the shapes and parameters of a conv2d as PyTorch does and returns its geometry.
 * Errors name the op and both shapes.
 */
export function conv2dGeometry(
  xShape: readonly number[],
  wShape: readonly number[],
  params: Conv2dParams,
  op = 'conv2d',
): Conv2dGeometry {
  if (xShape.length !== 4 || wShape.length !== 4) {
    throw shapeError(op, 'expected input [N, C, H, W] and weight [O, C / groups, kH, kW]', xShape, wShape);
  }
  const { stride, padding, dilation, groups } = params;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  }
  requirePositive(op, 'stride', stride);
  requirePositive(op, 'dilation', dilation);
  requireNonNegative(op, 'padding', padding);
  const [batch, inChannels, height, width] = xShape;
  const [outChannels, groupChannels, kernelH, kernelW] = wShape;
  if (kernelH < 1 || kernelW < 1) {
    throw shapeError(op, 'weight must have a positive kernel size', xShape, wShape);
  }
  if (inChannels % groups !== 0) {
    throw shapeError(op, `groups=${groups} does not divide in channels ${inChannels}`, xShape, wShape);
  }
  if (outChannels % groups !== 0) {
    throw shapeError(op, `groups=${groups} does not divide out channels ${outChannels}`, xShape, wShape);
  }
  if (inChannels !== groupChannels * groups) {
    const expects = groupChannels * groups;
    throw shapeError(op, `input has ${inChannels} channels but weight expects ${expects}`, xShape, wShape);
  }
  const [pt, pb, pl, pr] = padding;
  const effH = dilation[0] * (kernelH - 1) + 1;
  const effW = dilation[1] * (kernelW - 1) + 1;
  if (effH > height + pt + pb || effW > width + pl + pr) {
    const padded = `[${height + pt + pb}, ${width + pl + pr}]`;
    const rule = `kernel size (after dilation) [${effH}, ${effW}] is larger than the padded input ${padded}`;
    throw shapeError(op, rule, xShape, wShape);
  }
  const g = patchGeometry(height, width, [kernelH, kernelW], params);
  return {
    kernelH: g.kernelH,
    kernelW: g.kernelW,
    strideH: g.strideH,
    strideW: g.strideW,
    padTop: g.padTop,
    padLeft: g.padLeft,
    dilationH: g.dilationH,
    dilationW: g.dilationW,
    outH: g.outH,
    outW: g.outW,
    batch,
    inChannels,
    height,
    width,
    outChannels,
    groups,
  };
}

/** [N, O, outH, outW] of a conv2d, after the checks of `conv2dGeometry`. */
export function conv2dOutputShape(
  xShape: readonly number[],
  wShape: readonly number[],
  params: Conv2dParams,
): number[] {
  const g = conv2dGeometry(xShape, wShape, params);
  return [g.batch, g.outChannels, g.outH, g.outW];
}
