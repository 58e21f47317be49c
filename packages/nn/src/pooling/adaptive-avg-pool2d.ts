import { adaptiveAvgPool2d, type Tensor } from '@fovea/tensor';
import { Module } from '../module/module.js';
import { pyValue } from '../module/repr.js';

/** An output size; null keeps that dimension of the input, as None does in PyTorch. */
export type AdaptiveSize = number | readonly [number | null, number | null];

/** Averages over windows chosen so that the output has `outputSize`, like `torch.nn.AdaptiveAvgPool2d`. */
export class AdaptiveAvgPool2d extends Module {
  static override readonly moduleName: string = 'AdaptiveAvgPool2d';

  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = outputSize;
  }

  override forward(input: Tensor): Tensor {
    const size = this.outputSize;
    if (typeof size === 'number') return adaptiveAvgPool2d(input, size);
    const [h, w] = [input.shape[input.ndim - 2], input.shape[input.ndim - 1]];
    return adaptiveAvgPool2d(input, [size[0] ?? h, size[1] ?? w]);
  }

  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}
