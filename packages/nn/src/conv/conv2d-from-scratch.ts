import { corr2d, rand, type Tensor, zeros } from '@fovea/tensor';
import { Module } from '../module/module.js';
import { Parameter } from '../module/parameter.js';
import { pair, type Size2 } from './options.js';

/**
 * The chapter's own convolutional layer ("Convolutions for Images", d2l.ai): a 2-D kernel and a
 * scalar bias, `forward(X) = corr2d(X, weight) + bias` on a single-channel 2-D input. The weight
 * starts uniform in [0, 1) (`rand(kernelSize)`), the bias at zero.
 *
 * @example
 * ```ts
 * import { Conv2D } from '@fovea/nn';
 * import { ones } from '@fovea/tensor';
 *
 * const layer = new Conv2D([1, 2]);
 * layer.forward(ones([6, 8])).shape; // [6, 7]
 * ```
 */
export class Conv2D extends Module {
  static override readonly moduleName: string = 'Conv2D';

  /** The learnable kernel. */
  weight: Parameter;
  /** The learnable scalar bias. */
  bias: Parameter;

  /**
   * Creates the layer with a random kernel and a zero bias.
   *
   * @param kernelSize - The kernel's size, a number or `[kH, kW]`.
   */
  constructor(kernelSize: Size2) {
    super();
    this.weight = new Parameter(rand(pair('Conv2D', 'kernel_size', kernelSize, 1)));
    this.bias = new Parameter(zeros(1));
  }

  /**
   * `corr2d(x, weight) + bias`.
   *
   * @param x - A 2-D input `[H, W]`.
   * @returns `[H - kH + 1, W - kW + 1]`.
   */
  override forward(x: Tensor): Tensor {
    return corr2d(x, this.weight).add(this.bias);
  }
}
