import { checkOptions, checkTensor, type Tensor } from '@fovea/tensor';
import { calculateFanInAndFanOut } from '../init/fan.js';
import { kaimingUniform_, uniform_ } from '../init/initializers.js';
import type { LoadReport } from '../module/options.js';
import { Parameter } from '../module/parameter.js';
import { Conv2d } from './conv2d.js';
import { type Conv2dOptions, parameterZeros, type Size2 } from './options.js';

const lazyMessage = (name: string) =>
  `LazyConv2d.${name} is uninitialized: its shape depends on the input's channels, which are known only after the first forward. Run a forward pass first (layer.forward(x)), then read .${name}`;

/**
 * A `Conv2d` whose `inChannels` is inferred from the first input, like `torch.nn.LazyConv2d`:
 * weight and bias have no shape until the first `forward` (reading them earlier throws), which
 * creates and initialises them as `Conv2d` would and turns the module into a `Conv2d`.
 * Loading a state dict also gives them their shapes.
 *
 * @example
 * ```ts
 * import { LazyConv2d } from '@fovea/nn';
 * import { ones } from '@fovea/tensor';
 *
 * const conv = new LazyConv2d(1, [1, 2], { bias: false });
 * conv.forward(ones([1, 1, 6, 8])).shape; // [1, 1, 6, 7]; weight is now [1, 1, 1, 2]
 * ```
 */
export class LazyConv2d extends Conv2d {
  static override readonly moduleName: string = 'LazyConv2d';

  /**
   * Creates the layer with its input channels still unknown.
   *
   * @param outChannels - Channels of the output.
   * @param kernelSize - The kernel's size, a number or `[kH, kW]`.
   * @param options - As for `Conv2d`: `stride`, `padding`, `dilation`, `groups`, `bias`,
   * `paddingMode`.
   */
  constructor(outChannels: number, kernelSize: Size2, options: Conv2dOptions = {}) {
    options = checkOptions('LazyConv2d', options);
    super(0, outChannels, kernelSize, options);
    this.declareUninitialized('weight', lazyMessage('weight'));
    if (options.bias ?? true) this.declareUninitialized('bias', lazyMessage('bias'));
  }

  /** Draws new initial values once the parameters have their shapes; before that, nothing to do. */
  override resetParameters(): void {
    if (this.inChannels !== 0 && !this.isUninitialized('weight') && !this.isUninitialized('bias')) {
      super.resetParameters();
    }
  }

  /**
   * Shapes the parameters from the first input, then convolves as `Conv2d` does.
   *
   * @param input - `[N, C, H, W]` or `[C, H, W]`; its `C` becomes `inChannels`.
   * @returns The layer's output, as `Conv2d.forward`.
   */
  override forward(input: Tensor): Tensor {
    checkTensor(`${this.getName()}.forward`, 'input', input);
    this.initializeParameters(input);
    return Conv2d.prototype.forward.call(this, input);
  }

  /**
   * Gives the uninitialized parameters their shapes from `input` ([N, C, H, W] or [C, H, W]) and
   * PyTorch's initial values, then becomes a `Conv2d` (PyTorch's `cls_to_become`).
   *
   * @param input - The first input; its channel dimension sets `inChannels`.
   */
  initializeParameters(input: Tensor): void {
    const lazyWeight = this.isUninitialized('weight');
    const lazyBias = this.isUninitialized('bias');
    if (lazyWeight || lazyBias) {
      if (input.ndim !== 3 && input.ndim !== 4) {
        throw new Error(
          `${this.getName()}.forward: Expected 3D (unbatched) or 4D (batched) input to ${this.getName()}, but got input of size: [${input.shape.join(', ')}]`,
        );
      }
      if (lazyWeight) {
        const inChannels = input.shape[input.ndim - 3];
        if (inChannels % this.groups !== 0) {
          throw new Error(
            `${this.getName()}.forward: in_channels must be divisible by groups (inferred ${inChannels} channels from input [${input.shape.join(', ')}], groups ${this.groups})`,
          );
        }
        this.inChannels = inChannels;
        this.materialize(
          'weight',
          new Parameter(
            parameterZeros(
              `${this.getName()}.forward`,
              [this.outChannels, inChannels / this.groups, ...this.kernelSize],
              {
                device: input.device,
              },
            ),
          ),
        );
        kaimingUniform_(this.weight, { a: Math.sqrt(5) });
      }
      if (lazyBias) {
        this.materialize(
          'bias',
          new Parameter(
            parameterZeros(`${this.getName()}.forward`, [this.outChannels], { device: input.device }),
          ),
        );
        const { fanIn } = calculateFanInAndFanOut(this.weight);
        if (fanIn !== 0) uniform_(this.bias!, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
      }
    }
    this.becomeConv2d();
  }

  /**
   * Loads the weight and bias from a state dict, taking their shapes from it while they are lazy.
   *
   * @param entries - The state dict's entries by key.
   * @param prefix - This module's key prefix (`features.0.`).
   * @param report - Where missing and unexpected keys and errors are recorded.
   */
  protected override loadOwnState(
    entries: ReadonlyMap<string, unknown>,
    prefix: string,
    report: LoadReport,
  ): void {
    const lazyWeight = this.isUninitialized('weight');
    const lazyBias = this.isUninitialized('bias');
    super.loadOwnState(entries, prefix, report);
    if (lazyBias && !this.isUninitialized('bias') && this.bias !== null) {
      const shape = this.bias.shape;
      if (shape.length !== 1 || shape[0] !== this.outChannels) {
        report.errors.push(
          `size mismatch for ${prefix}bias: copying a param with shape [${shape.join(', ')}] from checkpoint, the shape in current model is [${this.outChannels}].`,
        );
        // It stays lazy: no half-loaded layer.
        this.declareUninitialized('bias', lazyMessage('bias'));
        if (lazyWeight) this.declareUninitialized('weight', lazyMessage('weight'));
        return;
      }
    }
    if (this.isUninitialized('weight')) return;
    if (lazyWeight) {
      const shape = this.weight.shape;
      const expected = [this.outChannels, shape[1], ...this.kernelSize];
      if (shape.length !== 4 || expected.some((d, i) => d !== shape[i])) {
        report.errors.push(
          `size mismatch for ${prefix}weight: copying a param with shape [${shape.join(', ')}] from checkpoint, the shape in current model is [${this.outChannels}, (in_channels / groups), ${this.kernelSize.join(', ')}].`,
        );
        this.declareUninitialized('weight', lazyMessage('weight'));
        if (lazyBias) this.declareUninitialized('bias', lazyMessage('bias'));
        return;
      }
      this.inChannels = shape[1] * this.groups;
    }
    if (!this.isUninitialized('bias')) this.becomeConv2d();
  }

  private becomeConv2d(): void {
    Object.setPrototypeOf(this, Conv2d.prototype);
  }
}
