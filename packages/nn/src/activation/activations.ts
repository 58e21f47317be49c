import { relu, sigmoid, type Tensor, tanh } from '@fovea/tensor';
import { logSoftmax, softmax } from '../functional/activation.js';
import { Module } from '../module/module.js';

/** max(0, x), elementwise. */
export class ReLU extends Module {
  static override readonly moduleName: string = 'ReLU';

  /**
   * `max(0, x)` for each element of `input`.
   *
   * @param input - Any shape.
   * @returns Same shape.
   */
  override forward(input: Tensor): Tensor {
    return relu(input);
  }
}

/** 1 / (1 + exp(-x)), elementwise. */
export class Sigmoid extends Module {
  static override readonly moduleName: string = 'Sigmoid';

  /**
   * `1 / (1 + exp(-x))` for each element of `input`.
   *
   * @param input - Any shape.
   * @returns Same shape.
   */
  override forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

/** tanh(x), elementwise. */
export class Tanh extends Module {
  static override readonly moduleName: string = 'Tanh';

  /**
   * `tanh(x)` for each element of `input`.
   *
   * @param input - Any shape.
   * @returns Same shape.
   */
  override forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

/** exp(x) / sum(exp(x)) along `dim`, like `torch.nn.Softmax(dim)`. */
export class Softmax extends Module {
  static override readonly moduleName: string = 'Softmax';

  constructor(
    /** The dimension normalised over. */
    readonly dim: number,
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return softmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log(softmax(x)) along `dim`, computed stably, like `torch.nn.LogSoftmax(dim)`. */
export class LogSoftmax extends Module {
  static override readonly moduleName: string = 'LogSoftmax';

  constructor(
    /** The dimension normalised over. */
    readonly dim: number,
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return logSoftmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
