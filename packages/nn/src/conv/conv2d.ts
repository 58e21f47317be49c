import {
  type ConvActivation,
  checkOptions,
  checkTensor,
  conv2d,
  describe,
  formatShape,
  type PadMode,
  pad,
  samePadding,
  type Tensor,
} from '@fovea/tensor';
import { calculateFanInAndFanOut } from '../init/fan.js';
import { kaimingUniform_, uniform_ } from '../init/initializers.js';
import { Module } from '../module/module.js';
import { Parameter } from '../module/parameter.js';
import { pyValue } from '../module/repr.js';
import {
  type Conv2dOptions,
  integer,
  PADDING_MODES,
  type PaddingMode,
  pair,
  parameterZeros,
  type Size2,
} from './options.js';

/**
 * PyTorch's `_reversed_padding_repeated_twice`: the padding as `F.pad` takes it ([left, right,
 * top, bottom]), for the padding modes that pad first and then convolve without padding. 'same'
 * splits d * (k - 1) per axis with the extra pixel at the end; 'valid' is no padding.
 */
function reversedPadding(
  padding: [number, number] | 'same' | 'valid',
  kernelSize: [number, number],
  dilation: [number, number],
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    const [top, bottom] = samePadding(kernelSize[0], dilation[0]);
    const [left, right] = samePadding(kernelSize[1], dilation[1]);
    return [left, right, top, bottom];
  }
  return [padding[1], padding[1], padding[0], padding[0]];
}

/**
 * A 2-D convolution layer, like `torch.nn.Conv2d`: weight [out, in / groups, kH, kW] and bias
 * [out], initialised as PyTorch does (kaiming-uniform with a = sqrt(5) for the weight, which is
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias). Takes [N, C, H, W] or
 * unbatched [C, H, W] input.
 *
 * Shapes: input `[N, C_in, H_in, W_in]` (or `[C_in, H_in, W_in]`), output
 * `[N, C_out, H_out, W_out]` with
 * ```
 * H_out = floor((H_in + 2p - d(k - 1) - 1) / s) + 1
 * W_out = floor((W_in + 2p - d(k - 1) - 1) / s) + 1
 * ```
 * where `k`, `s`, `p` and `d` are `kernelSize`, `stride`, `padding` and `dilation` along that axis
 * (`'same'` padding keeps `H_out = H_in` and `W_out = W_in`).
 *
 * @example
 * ```ts
 * import { Conv2d } from '@fovea/nn';
 * import { randn } from '@fovea/tensor';
 *
 * const conv = new Conv2d(3, 16, 3, { stride: 2, padding: 1 });
 * conv.forward(randn([8, 3, 32, 32])).shape; // [8, 16, 16, 16]
 * String(conv); // 'Conv2d(3, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))'
 * ```
 */
export class Conv2d extends Module {
  static override readonly moduleName: string = 'Conv2d';

  /** The channels of the input. */
  inChannels: number;
  /** The channels of the output: the number of filters. */
  readonly outChannels: number;
  /** The kernel's `[kH, kW]`. */
  readonly kernelSize: [number, number];
  /** The step of the kernel along each axis. */
  readonly stride: [number, number];
  /** Padding on both sides of each axis, `'same'` or `'valid'`. */
  readonly padding: [number, number] | 'same' | 'valid';
  /** The spacing between kernel elements. */
  readonly dilation: [number, number];
  /** The number of channel groups. */
  readonly groups: number;
  /** How the border is padded: `'zeros'`, `'reflect'`, `'replicate'` or `'circular'`. */
  readonly paddingMode: PaddingMode;
  /** The learnable filters, `[outChannels, inChannels / groups, kH, kW]`. */
  weight: Parameter;
  /** The learnable bias, `[outChannels]`, or null. */
  bias: Parameter | null;
  readonly #reversedPadding: [number, number, number, number];

  /**
   * Creates the layer and initialises its parameters as PyTorch does.
   *
   * @param inChannels - Channels of the input, `C_in`.
   * @param outChannels - Channels of the output, `C_out`: one kernel of `[C_in / groups, kH, kW]`
   * each.
   * @param kernelSize - The kernel's size, a number for both axes or `[kH, kW]`.
   * @param options - `stride` (1), `padding` (0, a number, `[h, w]`, `'same'` or `'valid'`),
   * `dilation` (1), `groups` (1), `bias` (true) and `paddingMode` (`'zeros'`, `'reflect'`,
   * `'replicate'` or `'circular'`).
   * @throws If a size is not a positive integer, the channels are not divisible by `groups`, or
   * `'same'` padding is asked with a stride.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options: Conv2dOptions = {}) {
    options = checkOptions('Conv2d', options);
    super();
    const where = this.getName();
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, paddingMode = 'zeros' } = options;
    integer(where, 'in_channels', inChannels, 0);
    integer(where, 'out_channels', outChannels, 0);
    if (!Number.isInteger(groups) || groups <= 0)
      throw new Error(`${where}: groups must be a positive integer`);
    if (inChannels % groups !== 0) throw new Error(`${where}: in_channels must be divisible by groups`);
    if (outChannels % groups !== 0) throw new Error(`${where}: out_channels must be divisible by groups`);
    const kernel = pair(where, 'kernel_size', kernelSize, 1);
    const strides = pair(where, 'stride', stride, 1);
    const dilations = pair(where, 'dilation', dilation, 1);
    let paddings: [number, number] | 'same' | 'valid';
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') {
        throw new Error(`${where}: Invalid padding string '${padding}', should be one of {'same', 'valid'}`);
      }
      if (padding === 'same' && (strides[0] !== 1 || strides[1] !== 1)) {
        throw new Error(`${where}: padding='same' is not supported for strided convolutions`);
      }
      paddings = padding;
    } else paddings = pair(where, 'padding', padding, 0);
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new Error(
        `${where}: padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode=${typeof paddingMode === 'string' ? `'${paddingMode}'` : describe(paddingMode)}`,
      );
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernel;
    this.stride = strides;
    this.padding = paddings;
    this.dilation = dilations;
    this.groups = groups;
    this.paddingMode = paddingMode;
    this.weight = new Parameter(parameterZeros(where, [outChannels, inChannels / groups, ...kernel]));
    this.bias = bias ? new Parameter(parameterZeros(where, [outChannels])) : null;
    this.#reversedPadding = reversedPadding(paddings, kernel, dilations);
    this.resetParameters();
  }

  /** PyTorch's default initialisation (see the class comment); draws from the default generator. */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        uniform_(this.bias, -bound, bound);
      }
    }
  }

  /**
   * Cross-correlates `input` with the weight (after padding it as `paddingMode` says) and adds the
   * bias.
   *
   * @param input - `[N, C_in, H, W]` or unbatched `[C_in, H, W]`.
   * @returns `[N, C_out, H_out, W_out]` (or `[C_out, H_out, W_out]`), sizes as in the class
   * description.
   */
  override forward(input: Tensor): Tensor {
    return this.convolve(input, null);
  }

  /**
   * @internal `forward` followed by `activation`, computed by one `conv2d` call (its
   * `activation` option): `Sequential` runs a Conv2d and the Sigmoid after it this way when
   * neither has hooks or a `forward` of its own.
   *
   * @param input - As for `forward`.
   * @param activation - The activation module's function.
   */
  forwardActivated(input: Tensor, activation: ConvActivation): Tensor {
    return this.convolve(input, activation);
  }

  private convolve(input: Tensor, activation: ConvActivation | null): Tensor {
    this.checkInput(input);
    const batched = input.ndim === 4;
    const x = batched ? input : input.unsqueeze(0);
    const options = { stride: this.stride, dilation: this.dilation, groups: this.groups, activation };
    const y =
      this.paddingMode === 'zeros'
        ? conv2d(x, this.weight, this.bias, { ...options, padding: this.padding })
        : conv2d(pad(x, this.#reversedPadding, this.paddingMode as PadMode), this.weight, this.bias, {
            ...options,
            padding: 0,
          });
    return batched ? y : y.squeeze(0);
  }

  /**
   * Throws PyTorch's error unless `input` is 3-D or 4-D with `inChannels` channels.
   *
   * @param input - The tensor `forward` was given.
   */
  protected checkInput(input: Tensor): void {
    checkTensor(`${this.constructor.name}.forward`, 'input', input);
    if (input.ndim !== 3 && input.ndim !== 4) {
      throw new Error(
        `${this.toString()}: expected 3-D (unbatched) or 4-D (batched) input, got ${formatShape(input.shape)}`,
      );
    }
    const channels = input.shape[input.ndim - 3];
    if (channels !== this.inChannels) {
      throw new Error(
        `${this.toString()}: expected input with ${this.inChannels} channels, got ${formatShape(input.shape)}`,
      );
    }
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}`;
    const padding = this.padding;
    if (typeof padding === 'string' || padding[0] !== 0 || padding[1] !== 0)
      s += `, padding=${pyValue(padding)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${pyValue(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.isUninitialized('bias') && this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}
