import { avgPool2d, type Tensor } from '@fovea/tensor';
import type { Size2 } from '../conv/options.js';
import { Module } from '../module/module.js';
import { pyValue } from '../module/repr.js';

export interface AvgPool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Size2 | null;
  padding?: Size2;
  ceilMode?: boolean;
  /** Count the zero padding in each window's mean (default), as PyTorch does. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead of its size. */
  divisorOverride?: number | null;
}

/** The mean over each window, like `torch.nn.AvgPool2d`. */
export class AvgPool2d extends Module {
  static override readonly moduleName: string = 'AvgPool2d';

  readonly kernelSize: Size2;
  readonly stride: Size2;
  readonly padding: Size2;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Size2, options: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }

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
