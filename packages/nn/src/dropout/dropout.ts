import { checkOptions, type Generator, type Tensor } from '@fovea/tensor';
import { checkDropoutProbability, dropout } from '../functional/dropout.js';
import { Module } from '../module/module.js';
import { pyFloat } from '../module/repr.js';

/** The optional arguments of the `Dropout` layer. */
export interface DropoutLayerOptions {
  /** Draws the masks from this generator instead of the tensor library's default one. */
  generator?: Generator;
}

/**
 * Zeroes each element with probability `p` in training and scales the rest by 1 / (1 - p),
 * like `torch.nn.Dropout`; in evaluation mode it returns its input unchanged.
 */
export class Dropout extends Module {
  static override readonly moduleName: string = 'Dropout';

  /** The probability of zeroing an element. */
  readonly p: number;
  readonly #generator: Generator | undefined;

  /**
   * Creates the layer.
   *
   * @param p - Probability of zeroing an element (0.5).
   * @param options - `generator` for the masks.
   * @throws If `p` is not in [0, 1].
   */
  constructor(p = 0.5, options: DropoutLayerOptions = {}) {
    options = checkOptions('Dropout', options);
    super();
    checkDropoutProbability(p);
    this.p = p;
    this.#generator = options.generator;
  }

  /**
   * In training mode, zeroes each element with probability `p` and scales the rest by `1 / (1 -
   * p)`; in evaluation mode, returns `input`.
   *
   * @param input - Any shape.
   * @returns Same shape.
   */
  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, { training: this.training, generator: this.#generator });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
