import { checkOptions, checkTensor, type Tensor } from '@fovea/tensor';
import { parameterZeros } from '../conv/options.js';
import { calculateFanInAndFanOut } from '../init/fan.js';
import { kaimingUniform_, uniform_ } from '../init/initializers.js';
import type { LoadReport } from '../module/options.js';
import { Parameter } from '../module/parameter.js';
import { Linear, type LinearOptions } from './linear.js';

const lazyMessage = (name: string) =>
  `LazyLinear.${name} is uninitialized: its shape depends on the input's features, which are known only after the first forward. Run a forward pass first (layer.forward(x)), then read .${name}`;

/**
 * A `Linear` whose `inFeatures` is the last dimension of its first input, like
 * `torch.nn.LazyLinear`: reading weight or bias before the first forward throws; the first
 * forward creates and initialises them and turns the module into a `Linear`.
 */
export class LazyLinear extends Linear {
  static override readonly moduleName: string = 'LazyLinear';

  /**
   * Creates the layer with its input size still unknown.
   *
   * @param outFeatures - Size of each output's last dimension.
   * @param options - `bias` (true).
   */
  constructor(outFeatures: number, options: LinearOptions = {}) {
    options = checkOptions('LazyLinear', options);
    super(0, outFeatures, options);
    this.declareUninitialized('weight', lazyMessage('weight'));
    if (options.bias ?? true) this.declareUninitialized('bias', lazyMessage('bias'));
  }

  /** Draws new initial values once the parameters have their shapes; before that, nothing to do. */
  override resetParameters(): void {
    if (this.inFeatures !== 0 && !this.isUninitialized('weight') && !this.isUninitialized('bias')) {
      super.resetParameters();
    }
  }

  /**
   * Shapes the parameters from the first input, then computes as `Linear` does.
   *
   * @param input - `[..., inFeatures]`; the first call sets `inFeatures`.
   * @returns `[..., outFeatures]`.
   */
  override forward(input: Tensor): Tensor {
    checkTensor('LazyLinear.forward', 'input', input);
    this.initializeParameters(input);
    return Linear.prototype.forward.call(this, input);
  }

  /**
   * Shapes and initialises the uninitialized parameters from `input`, then becomes a `Linear`.
   *
   * @param input - The first input; its last dimension sets `inFeatures`.
   */
  initializeParameters(input: Tensor): void {
    if (this.isUninitialized('weight')) {
      if (input.ndim === 0)
        throw new Error(
          `${this.getName()}.forward: expected input with at least 1 dimension, got a 0-d tensor`,
        );
      this.inFeatures = input.shape[input.ndim - 1];
      this.materialize(
        'weight',
        new Parameter(
          parameterZeros(`${this.getName()}.forward`, [this.outFeatures, this.inFeatures], {
            device: input.device,
          }),
        ),
      );
      kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    }
    if (this.isUninitialized('bias')) {
      this.materialize(
        'bias',
        new Parameter(
          parameterZeros(`${this.getName()}.forward`, [this.outFeatures], { device: input.device }),
        ),
      );
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias!, -bound, bound);
    }
    Object.setPrototypeOf(this, Linear.prototype);
  }

  /**
   * Loads the weight and bias, taking their shapes from the state dict while they are lazy.
   *
   * @param entries - The state dict's entries by key.
   * @param prefix - This module's key prefix.
   * @param report - Where missing and unexpected keys and errors are recorded.
   */
  protected override loadOwnState(
    entries: ReadonlyMap<string, unknown>,
    prefix: string,
    report: LoadReport,
  ): void {
    const lazy = ['weight', 'bias'].filter((name) => this.isUninitialized(name));
    super.loadOwnState(entries, prefix, report);
    // A checkpoint's shapes must fit the layer, else it stays lazy (no half-loaded layer).
    const fits = (name: string, shape: readonly number[]) =>
      name === 'weight'
        ? shape.length === 2 && shape[0] === this.outFeatures
        : shape.length === 1 && shape[0] === this.outFeatures;
    for (const name of lazy) {
      if (this.isUninitialized(name)) continue;
      const value = (this as unknown as Record<string, Parameter | null>)[name];
      if (value === null || fits(name, value.shape)) continue;
      const wanted = name === 'weight' ? `[${this.outFeatures}, in_features]` : `[${this.outFeatures}]`;
      report.errors.push(
        `size mismatch for ${prefix}${name}: copying a param with shape [${value.shape.join(', ')}] from checkpoint, the shape in current model is ${wanted}.`,
      );
      this.declareUninitialized(name, lazyMessage(name));
    }
    if (this.isUninitialized('weight')) return;
    this.inFeatures = this.weight.shape[1];
    if (!this.isUninitialized('bias')) Object.setPrototypeOf(this, Linear.prototype);
  }
}
