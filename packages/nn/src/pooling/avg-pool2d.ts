import { avgPool2d, checkOptions, type Tensor } from '@fovea/tensor';
import type { Size2 } from '../conv/options.js';
import { Module } from '../module/module.js';
import { pyValue } from '../module/repr.js';

/** The optional arguments of `AvgPool2d`, as `torch.nn.AvgPool2d`'s keywords camelCased. */
export interface AvgPool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Size2 | null;
  /** Implicit zero padding on both sides of each axis, at most half the kernel size (0). */
  padding?: Size2;
  /** Round the output size up instead of down (false). */
  ceilMode?: boolean;
  /** Count the zero padding in each window's mean (default), as PyTorch does. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead of its size. */
  divisorOverride?: number | null;
}

/**
 * The mean over each window, like `torch.nn.AvgPool2d`.
 *
 * Shapes: input `[N, C, H_in, W_in]` (or `[C, H_in, W_in]`), output `[N, C, H_out, W_out]` with
 * ```
 * H_out = floor((H_in + 2p - k) / s) + 1
 * W_out = floor((W_in + 2p - k) / s) + 1
 * ```
 * where `k`, `s` and `p` are `kernelSize`, `stride` and `padding` along that axis.
 * (`ceil` instead of `floor` with `ceilMode`).
 *
 * @example
 * ```ts
 * import { AvgPool2d } from '@fovea/nn';
 * import { arange } from '@fovea/tensor';
 *
 * const pool = new AvgPool2d(2);
 * pool.forward(arange(0, 16, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4])).shape; // [1, 1, 2, 2]
 * ```
 */
export class AvgPool2d extends Module {
  static override readonly moduleName: string = 'AvgPool2d';

  /** The window. */
  readonly kernelSize: Size2;
  /** The step of the window. */
  readonly stride: Size2;
  /** Zero padding on both sides of each axis. */
  readonly padding: Size2;
  /** Whether the output size is rounded up. */
  readonly ceilMode: boolean;
  /** Whether the padding counts in each window's divisor. */
  readonly countIncludePad: boolean;
  /** The divisor of every window, or null for its size. */
  readonly divisorOverride: number | null;

  /**
   * Creates the layer; it has no parameters.
   *
   * @param kernelSize - The window's size, a number or `[kH, kW]`.
   * @param options - `stride` (the kernel size), `padding` (0), `ceilMode` (false),
   * `countIncludePad` (true) and `divisorOverride` (none).
   */
  constructor(kernelSize: Size2, options: AvgPool2dOptions = {}) {
    options = checkOptions('AvgPool2d', options);
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }

  /**
   * The mean of each window of `input`.
   *
   * @param input - `[N, C, H, W]` or `[C, H, W]`, floating point.
   * @returns `[N, C, H_out, W_out]` (or `[C, H_out, W_out]`), sizes as in the class description.
   */
  override forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}
