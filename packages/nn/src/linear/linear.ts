import { checkOptions, checkTensor, type Tensor, zeros } from '@fovea/tensor';
import { integer } from '../conv/options.js';
import { linear } from '../functional/linear.js';
import { calculateFanInAndFanOut } from '../init/fan.js';
import { kaimingUniform_, uniform_ } from '../init/initializers.js';
import { Module } from '../module/module.js';
import { Parameter } from '../module/parameter.js';

/** The optional arguments of `Linear`. */
export interface LinearOptions {
  /** Add a learnable bias (true). */
  bias?: boolean;
}

/**
 * y = x W^T + b, like `torch.nn.Linear`: weight [out, in] and bias [out], initialised as PyTorch
 * does (both U(-1/sqrt(in), 1/sqrt(in)), the weight through kaiming-uniform with a = sqrt(5)).
 *
 * Shapes: input `[..., inFeatures]`, output `[..., outFeatures]`.
 *
 * @example
 * ```ts
 * import { Linear } from '@fovea/nn';
 * import { randn } from '@fovea/tensor';
 *
 * const fc = new Linear(20, 30);
 * fc.forward(randn([128, 20])).shape; // [128, 30]
 * ```
 */
export class Linear extends Module {
  static override readonly moduleName: string = 'Linear';

  /** The size of each input sample. */
  inFeatures: number;
  /** The size of each output sample. */
  readonly outFeatures: number;
  /** The learnable weight, `[outFeatures, inFeatures]`. */
  weight: Parameter;
  /** The learnable bias, `[outFeatures]`, or null. */
  bias: Parameter | null;

  /**
   * Creates the layer and initialises it as PyTorch does.
   *
   * @param inFeatures - Size of each input's last dimension.
   * @param outFeatures - Size of each output's last dimension.
   * @param options - `bias` (true).
   */
  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    options = checkOptions('Linear', options);
    super();
    const where = this.getName();
    this.inFeatures = integer(where, 'in_features', inFeatures, 0);
    this.outFeatures = integer(where, 'out_features', outFeatures, 0);
    this.weight = new Parameter(zeros([outFeatures, inFeatures]));
    this.bias = (options.bias ?? true) ? new Parameter(zeros([outFeatures])) : null;
    this.resetParameters();
  }

  /** Draws new initial values, as the constructor does (from the default generator). */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /**
   * `input W^T + b`.
   *
   * @param input - `[..., inFeatures]`.
   * @returns `[..., outFeatures]`.
   */
  override forward(input: Tensor): Tensor {
    checkTensor(`${this.constructor.name}.forward`, 'input', input);
    if (input.ndim === 0 || input.shape[input.ndim - 1] !== this.inFeatures) {
      throw new Error(
        `${this.toString()}: expected input with ${this.inFeatures} features in its last dimension, got [${input.shape.join(', ')}]`,
      );
    }
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    const hasBias = this.isUninitialized('bias') || this.bias !== null;
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${hasBias ? 'True' : 'False'}`;
  }
}
