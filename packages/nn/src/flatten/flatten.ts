import { checkTensor, type Tensor } from '@fovea/tensor';
import { Module } from '../module/module.js';

/** Flattens dimensions `startDim` to `endDim` into one, like `torch.nn.Flatten` (default: all but the batch). */
export class Flatten extends Module {
  static override readonly moduleName: string = 'Flatten';

  /** The first dimension flattened. */
  readonly startDim: number;
  /** The last dimension flattened. */
  readonly endDim: number;

  /**
   * Creates the layer.
   *
   * @param startDim - First dimension to flatten (1: keeps the batch).
   * @param endDim - Last dimension to flatten (-1).
   */
  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /**
   * A view of `input` with dimensions `startDim` to `endDim` merged.
   *
   * @param input - Any shape with those dimensions.
   * @returns E.g. `[N, C, H, W]` -> `[N, C * H * W]` by default.
   */
  override forward(input: Tensor): Tensor {
    checkTensor('Flatten.forward', 'input', input);
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
