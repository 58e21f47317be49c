import { checkOptions, maxUnpool2d, type Tensor } from '@fovea/tensor';
import type { Size2 } from '../conv/options.js';
import { Module } from '../module/module.js';
import { pyValue } from '../module/repr.js';

/** The optional arguments of `MaxUnpool2d`: those the pooling was made with. */
export interface MaxUnpool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Size2 | null;
  /** The pooling's padding (0). */
  padding?: Size2;
}

const pair = (v: Size2): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/**
 * The partial inverse of `MaxPool2d`, like `torch.nn.MaxUnpool2d`: forward(values, indices,
 * outputSize?) puts each value where its index (from `MaxPool2d` with `returnIndices: true`)
 * says and zeros elsewhere. `outputSize` resolves the sizes one pooled size can come from.
 */
export class MaxUnpool2d extends Module {
  static override readonly moduleName: string = 'MaxUnpool2d';

  // PyTorch stores these as pairs (`_pair`), so they print as tuples.
  /** The pooling's window. */
  readonly kernelSize: [number, number];
  /** The pooling's stride. */
  readonly stride: [number, number];
  /** The pooling's padding. */
  readonly padding: [number, number];

  constructor(kernelSize: Size2, options: MaxUnpool2dOptions = {}) {
    options = checkOptions('MaxUnpool2d', options);
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(options.stride ?? kernelSize);
    this.padding = pair(options.padding ?? 0);
  }

  override forward(input: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return maxUnpool2d(input, indices, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      outputSize: outputSize ?? null,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}
