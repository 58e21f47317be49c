import type { Tensor } from '@fovea/tensor';
import { Module } from '../module/module.js';

/** Flattens dimensions `startDim` to `endDim` into one, like `torch.nn.Flatten` (default: all but the batch). */
export class Flatten extends Module {
  static override readonly moduleName: string = 'Flatten';

  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
