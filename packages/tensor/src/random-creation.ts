// The creation functions that draw random values, like `torch.rand`, `torch.randn` and
// `torch.randint`, seeded as PyTorch seeds them (random.ts).
import { checkInt32, checkInteger } from './checks.js';
import { type CreationOptions, creationOptions, dtypeOption, finish, like, shapeOf } from './creation.js';
import { allocate, type DType, isFloating } from './dtype.js';
import { defaultGenerator, fillNormal, fillUniform, type Generator } from './random.js';
import { numel } from './shape.js';
import { Tensor } from './tensor.js';

/** The optional arguments of the random creation functions: those of {@link CreationOptions}, and a generator. */
export interface RandomCreationOptions extends CreationOptions {
  /** The generator to draw from; {@link defaultGenerator} (seeded by `manualSeed`) otherwise. */
  generator?: Generator;
}

function randomTensor(
  op: string,
  shape: number | readonly number[],
  options: RandomCreationOptions,
  fill: (out: Float32Array | Float64Array, generator: Generator | undefined) => void,
): Tensor {
  const s = shapeOf(op, shape);
  options = creationOptions(op, options);
  const dtype = dtypeOption(op, options.dtype, 'float32');
  if (!isFloating(dtype)) throw new Error(`${op}: expected a floating point dtype, got ${dtype}`);
  const out = allocate(dtype, numel(s)) as Float32Array | Float64Array;
  fill(out, options.generator);
  return finish(Tensor.fromArray(out, s, dtype), options);
}

/**
 * Values drawn uniformly from [0, 1), like `torch.rand` (the same numbers for the same seed),
 * from the default generator unless one is given; float32 or float64.
 *
 * @param shape - The shape, an array of sizes or one number for a 1-D tensor.
 * @param options - `dtype`, `requiresGrad`, `device` and `generator`.
 * @returns A new tensor.
 */
export function rand(shape: number | readonly number[], options: RandomCreationOptions = {}): Tensor {
  return randomTensor('rand', shape, options, (out, generator) => fillUniform(out, 0, 1, generator));
}

/**
 * Values drawn from the standard normal distribution, like `torch.randn` (the same numbers for
 * the same seed), from the default generator unless one is given; float32 or float64.
 *
 * @param shape - The shape, an array of sizes or one number for a 1-D tensor.
 * @param options - `dtype`, `requiresGrad`, `device` and `generator`.
 * @returns A new tensor.
 *
 * @example
 * ```ts
 * import { Generator, randn } from '@fovea/tensor';
 *
 * const x = randn([2, 3], { generator: new Generator().manualSeed(0), dtype: 'float64' });
 * x.shape; // [2, 3]
 * x.get([0, 0]); // 1.5409961082440433
 * ```
 */
export function randn(shape: number | readonly number[], options: RandomCreationOptions = {}): Tensor {
  return randomTensor('randn', shape, options, (out, generator) => fillNormal(out, 0, 1, generator));
}

/**
 * Random integers in [low, high), like `torch.randint`, drawn as PyTorch draws them
 * (`random() % range + low`, from 64 random bits when the range needs more than 32), so seeded
 * draws match; int32 unless `dtype` says otherwise.
 *
 * @param low - The smallest value.
 * @param high - The bound the values stay below, greater than `low`.
 * @param shape - The shape, an array of sizes or one number for a 1-D tensor.
 * @param options - `dtype`, `requiresGrad`, `device` and `generator`.
 * @returns A new tensor.
 */
export function randint(
  low: number,
  high: number,
  shape: number | readonly number[],
  options: RandomCreationOptions = {},
): Tensor {
  checkInteger('randint', 'low', low);
  checkInteger('randint', 'high', high);
  if (!(high > low)) {
    throw new Error(`randint: expects integers low < high, got low=${low}, high=${high}`);
  }
  const s = shapeOf('randint', shape);
  options = creationOptions('randint', options);
  const dtype = dtypeOption('randint', options.dtype, 'int32');
  if (dtype === 'int32') {
    // The values lie in [low, high - 1]: an int32 result that cannot hold them is an error, not a wrap.
    checkInt32('randint', low);
    checkInt32('randint', high - 1);
  }
  const out = allocate(dtype, numel(s));
  const generator = options.generator ?? defaultGenerator;
  const range = high - low;
  for (let i = 0; i < out.length; i++) {
    if (range < 2 ** 32) out[i] = (generator.nextUint32() % range) + low;
    else {
      const bits = (BigInt(generator.nextUint32()) << 32n) | BigInt(generator.nextUint32());
      out[i] = Number(bits % BigInt(range)) + low;
    }
  }
  return finish(Tensor.fromArray(out, s, dtype), options);
}

/**
 * {@link rand} in `t`'s shape and dtype, like `torch.rand_like`.
 *
 * @param t - A floating tensor whose shape (and dtype, unless `options` gives one) is taken.
 * @param options - `dtype`, `requiresGrad`, `device` and `generator`.
 * @returns A new tensor.
 */
export const randLike = (t: Tensor, options: RandomCreationOptions = {}) =>
  rand(...floatLike('randLike', t, options));
/**
 * {@link randn} in `t`'s shape and dtype, like `torch.randn_like`.
 *
 * @param t - A floating tensor whose shape (and dtype, unless `options` gives one) is taken.
 * @param options - `dtype`, `requiresGrad`, `device` and `generator`.
 * @returns A new tensor.
 */
export const randnLike = (t: Tensor, options: RandomCreationOptions = {}) =>
  randn(...floatLike('randnLike', t, options));

/** `like`, for the random functions, which draw floating point values only. */
function floatLike(
  fn: string,
  t: Tensor,
  options: RandomCreationOptions | undefined,
): [number[], RandomCreationOptions] {
  const [shape, o] = like(fn, t, options);
  if (!isFloating(o.dtype as DType))
    throw new Error(`${fn}: expected a floating point dtype, got ${o.dtype}`);
  return [shape, o];
}
