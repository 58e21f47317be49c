import { noGrad } from '@fovea/autograd';
import type { Generator, Tensor } from '@fovea/tensor';
import { calculateCorrectFan, calculateFanInAndFanOut, type FanMode } from './fan.js';
import { calculateGain, type Nonlinearity } from './gain.js';

// torch.nn.init, formula for formula. Every initializer writes in place without recording
// gradients (so it works on parameters) and returns the tensor.

/** The optional argument of the random initializers. */
export interface GeneratorOption {
  /** The generator to draw from; the default generator otherwise. */
  generator?: Generator;
}

/** The optional arguments of `kaimingUniform_` and `kaimingNormal_`, as PyTorch's. */
export interface KaimingOptions extends GeneratorOption {
  /** The negative slope of the rectifier after this layer (leaky ReLU); 0 by default. */
  a?: number;
  /** Keep the variance of the forward pass (`'fan_in'`, the default) or of the backward pass (`'fan_out'`). */
  mode?: FanMode;
  /** The nonlinearity after this layer, whose gain is used; `'leaky_relu'` by default. */
  nonlinearity?: Nonlinearity;
}

/** The optional arguments of `xavierUniform_` and `xavierNormal_`, as PyTorch's. */
export interface XavierOptions extends GeneratorOption {
  /** A scaling factor; 1 by default. */
  gain?: number;
}

function isEmpty(tensor: Tensor): boolean {
  // PyTorch warns "Initializing zero-element tensors is a no-op" and returns the tensor.
  return tensor.shape.includes(0);
}

/**
 * Values from U(a, b).
 *
 * @param tensor - Filled in place, without recording gradients.
 * @param a - Lower bound (0).
 * @param b - Upper bound (1).
 * @param options - `generator` (the default one).
 * @returns `tensor`.
 */
export function uniform_<T extends Tensor>(tensor: T, a = 0, b = 1, options: GeneratorOption = {}): T {
  return noGrad(() => tensor.uniform_(a, b, options));
}

/**
 * Values from N(mean, std^2).
 *
 * @param tensor - Filled in place, without recording gradients.
 * @param mean - Mean (0).
 * @param std - Standard deviation (1).
 * @param options - `generator` (the default one).
 * @returns `tensor`.
 */
export function normal_<T extends Tensor>(tensor: T, mean = 0, std = 1, options: GeneratorOption = {}): T {
  return noGrad(() => tensor.normal_(mean, std, options));
}

/**
 * Fills `tensor` with `value`, in place, without recording gradients.
 *
 * @param tensor - The tensor to fill.
 * @param value - The value.
 * @returns `tensor`.
 */
export function constant_<T extends Tensor>(tensor: T, value: number): T {
  return noGrad(() => tensor.fill_(value));
}

/**
 * Fills `tensor` with ones, in place, without recording gradients.
 *
 * @param tensor - The tensor to fill.
 * @returns `tensor`.
 */
export function ones_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 1);
}

/**
 * Fills `tensor` with zeros, in place, without recording gradients.
 *
 * @param tensor - The tensor to fill.
 * @returns `tensor`.
 */
export function zeros_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 0);
}

/**
 * He et al. (2015), uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan). With
 * `a = sqrt(5)` (the layers' default) this is U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 *
 * @param tensor - A weight `[out, in, ...kernel]`, filled in place.
 * @param options - `a` (0, the leaky ReLU's slope), `mode` (`'fan_in'`), `nonlinearity`
 * (`'leaky_relu'`), `generator`.
 * @returns `tensor`.
 *
 * @example
 * ```ts
 * import { init } from '@fovea/nn';
 * import { zeros } from '@fovea/tensor';
 *
 * const w = init.kaimingUniform_(zeros([16, 3, 3, 3]), { nonlinearity: 'relu' });
 * ```
 */
export function kaimingUniform_<T extends Tensor>(tensor: T, options: KaimingOptions = {}): T {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu', generator } = options;
  if (isEmpty(tensor)) return tensor;
  const fan = calculateCorrectFan(tensor, mode);
  const std = calculateGain(nonlinearity, a) / Math.sqrt(fan);
  const bound = Math.sqrt(3) * std;
  return uniform_(tensor, -bound, bound, { generator });
}

/**
 * He et al. (2015), normal: N(0, std^2) with std = gain / sqrt(fan).
 *
 * @param tensor - A weight `[out, in, ...kernel]`, filled in place.
 * @param options - `a` (0), `mode` (`'fan_in'`), `nonlinearity` (`'leaky_relu'`), `generator`.
 * @returns `tensor`.
 */
export function kaimingNormal_<T extends Tensor>(tensor: T, options: KaimingOptions = {}): T {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu', generator } = options;
  if (isEmpty(tensor)) return tensor;
  const fan = calculateCorrectFan(tensor, mode);
  const std = calculateGain(nonlinearity, a) / Math.sqrt(fan);
  return normal_(tensor, 0, std, { generator });
}

/**
 * Glorot & Bengio (2010), uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
 *
 * @param tensor - A weight of at least 2 dimensions, filled in place.
 * @param options - `gain` (1) and `generator`.
 * @returns `tensor`.
 */
export function xavierUniform_<T extends Tensor>(tensor: T, options: XavierOptions = {}): T {
  const { gain = 1, generator } = options;
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return uniform_(tensor, -a, a, { generator });
}

/**
 * Glorot & Bengio (2010), normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
 *
 * @param tensor - A weight of at least 2 dimensions, filled in place.
 * @param options - `gain` (1) and `generator`.
 * @returns `tensor`.
 */
export function xavierNormal_<T extends Tensor>(tensor: T, options: XavierOptions = {}): T {
  const { gain = 1, generator } = options;
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  return normal_(tensor, 0, std, { generator });
}
