import { maxPool2d, type Tensor } from '@fovea/tensor';
import type { Size2 } from '../conv/options.js';
import { Module } from '../module/module.js';
import { pyValue } from '../module/repr.js';

export interface MaxPool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Size2 | null;
  padding?: Size2;
  dilation?: Size2;
  ceilMode?: boolean;
}

export interface MaxPool2dIndicesOptions<ReturnIndices extends boolean> extends MaxPool2dOptions {
  /** Make forward return `[values, indices]`, the indices `MaxUnpool2d` takes. */
  returnIndices?: ReturnIndices;
}

/**
 * The maximum over each window, like `torch.nn.MaxPool2d` (padding counts as -infinity). With
 * `returnIndices: true`, forward returns `[values, indices]`: int32 positions h * W + w within
 * each input plane (PyTorch's int64 indices).
 */
export class MaxPool2d<ReturnIndices extends boolean = false> extends Module {
  static override readonly moduleName: string = 'MaxPool2d';

  readonly kernelSize: Size2;
  readonly stride: Size2;
  readonly padding: Size2;
  readonly dilation: Size2;
  readonly ceilMode: boolean;
  readonly returnIndices: ReturnIndices;

  constructor(kernelSize: Size2, options: MaxPool2dIndicesOptions<ReturnIndices> = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
    this.returnIndices = (options.returnIndices ?? false) as ReturnIndices;
  }

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
