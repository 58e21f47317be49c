import { adaptiveAvgPool2d, argumentError, checkTensor, type Tensor } from '@fovea/tensor';
import { Module } from '../module/module.js';
import { pyValue } from '../module/repr.js';

/** An output size; null keeps that dimension of the input, as None does in PyTorch. */
export type AdaptiveSize = number | readonly [number | null, number | null];

/**
 * Averages over windows chosen so that the output has `outputSize`, like
 * `torch.nn.AdaptiveAvgPool2d`.
 *
 * Shapes: input `[N, C, H_in, W_in]` (or `[C, H_in, W_in]`), output `[N, C, H_out, W_out]` with
 * `[H_out, W_out]` the output size. Window `i` along an axis runs from `floor(i * H_in / H_out)` up
 * to, not including, `ceil((i + 1) * H_in / H_out)`.
 *
 * @example
 * ```ts
 * import { AdaptiveAvgPool2d } from '@fovea/nn';
 * import { randn } from '@fovea/tensor';
 *
 * new AdaptiveAvgPool2d(1).forward(randn([2, 64, 7, 7])).shape; // [2, 64, 1, 1]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  static override readonly moduleName: string = 'AdaptiveAvgPool2d';

  /** The output's size; null along an axis keeps the input's. */
  readonly outputSize: AdaptiveSize;

  /**
   * Creates the layer; it has no parameters.
   *
   * @param outputSize - `H_out = W_out` as one number, or `[H_out, W_out]` where null keeps the
   * input's size.
   */
  constructor(outputSize: AdaptiveSize) {
    super();
    const pair = Array.isArray(outputSize) && outputSize.length === 2;
    if (typeof outputSize !== 'number' && !pair) {
      throw argumentError(
        'AdaptiveAvgPool2d',
        'output_size',
        'an integer or [h, w] (null keeps a side)',
        outputSize,
      );
    }
    this.outputSize = outputSize;
  }

  /**
   * Averages `input` over the windows that give `outputSize`.
   *
   * @param input - `[N, C, H, W]` or `[C, H, W]`.
   * @returns `[N, C, H_out, W_out]` (or `[C, H_out, W_out]`).
   */
  override forward(input: Tensor): Tensor {
    checkTensor('AdaptiveAvgPool2d.forward', 'input', input);
    const size = this.outputSize;
    if (typeof size === 'number') return adaptiveAvgPool2d(input, size);
    const [h, w] = [input.shape[input.ndim - 2], input.shape[input.ndim - 1]];
    return adaptiveAvgPool2d(input, [size[0] ?? h, size[1] ?? w]);
  }

  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}
