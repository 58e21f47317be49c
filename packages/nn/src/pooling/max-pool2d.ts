import { checkOptions, maxPool2d, type Tensor } from '@fovea/tensor';
import type { Size2 } from '../conv/options.js';
import { Module } from '../module/module.js';
import { pyValue } from '../module/repr.js';

/** The optional arguments of `MaxPool2d`, as `torch.nn.MaxPool2d`'s keywords camelCased. */
export interface MaxPool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Size2 | null;
  /** Implicit padding on both sides of each axis, at most half the kernel size (0). */
  padding?: Size2;
  /** Spacing between the window's elements (1). */
  dilation?: Size2;
  /** Round the output size up instead of down (false). */
  ceilMode?: boolean;
}

/** `MaxPool2d`'s options with `returnIndices`, which decides what `forward` returns. */
export interface MaxPool2dIndicesOptions<ReturnIndices extends boolean> extends MaxPool2dOptions {
  /** Make forward return `[values, indices]`, the indices `MaxUnpool2d` takes. */
  returnIndices?: ReturnIndices;
}

/**
 * The maximum over each window, like `torch.nn.MaxPool2d` (padding counts as -infinity). With
 * `returnIndices: true`, forward returns `[values, indices]`: int32 positions h * W + w within
 * each input plane (PyTorch's int64 indices).
 *
 * Shapes: input `[N, C, H_in, W_in]` (or `[C, H_in, W_in]`), output `[N, C, H_out, W_out]` with
 * ```
 * H_out = floor((H_in + 2p - d(k - 1) - 1) / s) + 1
 * W_out = floor((W_in + 2p - d(k - 1) - 1) / s) + 1
 * ```
 * where `k`, `s`, `p` and `d` are `kernelSize`, `stride`, `padding` and `dilation` along that axis
 * (`ceil` instead of `floor` with `ceilMode`, as long as the last window starts inside the input or
 * its left padding).
 *
 * @example
 * ```ts
 * import { MaxPool2d } from '@fovea/nn';
 * import { arange } from '@fovea/tensor';
 *
 * const pool = new MaxPool2d(2);
 * String(pool.forward(arange(0, 16, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4])));
 * // tensor([[[[ 5.,  7.],
 * //           [13., 15.]]]])
 * ```
 */
export class MaxPool2d<ReturnIndices extends boolean = false> extends Module {
  static override readonly moduleName: string = 'MaxPool2d';

  /** The window. */
  readonly kernelSize: Size2;
  /** The step of the window. */
  readonly stride: Size2;
  /** Implicit padding on both sides of each axis. */
  readonly padding: Size2;
  /** The spacing between the window's elements. */
  readonly dilation: Size2;
  /** Whether the output size is rounded up. */
  readonly ceilMode: boolean;
  /** Whether `forward` also returns the indices of the maxima. */
  readonly returnIndices: ReturnIndices;

  /**
   * Creates the layer; it has no parameters.
   *
   * @param kernelSize - The window's size, a number or `[kH, kW]`.
   * @param options - `stride` (the kernel size), `padding` (0, at most half the kernel), `dilation`
   * (1), `ceilMode` (false) and `returnIndices` (false).
   */
  constructor(kernelSize: Size2, options: MaxPool2dIndicesOptions<ReturnIndices> = {}) {
    options = checkOptions('MaxPool2d', options);
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
    this.returnIndices = (options.returnIndices ?? false) as ReturnIndices;
  }

  /**
   * The maximum of each window of `input`.
   *
   * @param input - `[N, C, H, W]` or `[C, H, W]`.
   * @returns `[N, C, H_out, W_out]` (or `[C, H_out, W_out]`), sizes as in the class description;
   * with `returnIndices`, `[values, indices]` of that shape.
   */
  override forward(input: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return maxPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
      returnIndices: this.returnIndices,
    }) as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=${pyValue(this.dilation)}, ceil_mode=${pyValue(this.ceilMode)}`;
  }
}
