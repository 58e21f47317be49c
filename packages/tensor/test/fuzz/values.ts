import fc from 'fast-check';
import { rand, randn, Tensor, tensor } from '../../src/index.js';

/**
 * The argument values of issue 17's fuzz suite: arbitrary JavaScript values (fast-check's
 * `anything`, with boxed values, maps, sets, typed arrays, sparse arrays, dates, bigints and
 * null-prototype objects), a list of values known to break argument handling, option objects
 * with the option names the packages read, and valid values each package adds, so that some
 * calls get past the first check and go deep.
 */

/** Tensors of the shapes and dtypes ops meet: images, matrices, scalars, empty, int and bool. */
export const tensors: fc.Arbitrary<Tensor> = fc
  .constantFrom(
    () => rand([1, 1, 4, 4]),
    () => randn([2, 3]),
    () => rand([3]),
    () => rand([]),
    () => rand([0, 2]),
    () => randn([2, 3, 5, 5], { dtype: 'float64' }),
    () => tensor([1, 2, 3], { dtype: 'int32' }),
    () => tensor([true, false]),
    () => rand([2, 2], { requiresGrad: true }),
  )
  .map((make) => make());

/** Values that broke argument handling before: wrong types, huge sizes, NaN, callables, views. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -3, max: 6 }),
  fc.constantFrom(
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e10,
    2 ** 31,
    2 ** 55,
    -0,
    1e5,
  ),
  fc.constantFrom('x', '', 'float32', 'int32', 'same', 'mean', 'constant', 'conv'),
  fc.constantFrom(null, undefined, true, false),
  fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 4 }),
  fc.constantFrom([[1, 2]], [[1], [2, 3]], [null], ['a'], [1.5, 2]),
  fc.constantFrom(
    {},
    { stride: 'x' },
    { padding: 1e5 },
    { dtype: 'x' },
    { reduction: 'x' },
    { kernel: 3, type: 'conv' },
  ),
  fc.constantFrom(
    () => 1,
    Symbol('s'),
    10n,
    new DataView(new ArrayBuffer(4)),
    new Float32Array([1, 2]),
    new Map(),
  ),
  tensors,
);

/** Valid values most packages take somewhere: small sizes, rates, names, flags. */
const plausible: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 1, max: 4 }),
  fc.constantFrom(0, 0.1, 0.5, 0.9, 1e-3),
  fc.constantFrom('mean', 'sum', 'none', 'float32', 'float64', 'same', 'valid', 'zeros', 'train', 'test'),
  fc.boolean(),
  fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
  tensors,
);

/** Option names the packages read: an object of some of them goes past `checkOptions`. */
const OPTION_NAMES = [
  ...['stride', 'padding', 'dilation', 'groups', 'bias', 'kernelSize', 'paddingMode', 'outputSize'],
  ...['dim', 'keepdim', 'dtype', 'reduction', 'correction', 'requiresGrad', 'generator', 'value'],
  ...['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay', 'betas', 'eps', 'alpha', 'amsgrad'],
  ...['stepSize', 'gamma', 'milestones', 'TMax', 'etaMin', 'lastEpoch', 'lrLambda'],
  ...['batchSize', 'shuffle', 'dropLast', 'collate', 'transform', 'targetTransform', 'split'],
  ...['inputSize', 'size', 'center', 'opset', 'strict', 'p', 'training', 'ignoreIndex', 'weight'],
  ...['type', 'kernel', 'scale', 'width', 'height', 'metadata', 'names', 'name'],
];

/**
 * One argument: arbitrary JavaScript values, the hostile list, option objects whose fields are
 * drawn from everything else, and `valid`, the package's own valid values (a module, an
 * optimizer, a model's bytes).
 */
export function argument(valid: readonly fc.Arbitrary<unknown>[] = []): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(hostileValue, plausible, ...valid);
  const anything = fc.anything({
    values: [leaf, fc.string(), fc.double()],
    maxDepth: 3,
    maxKeys: 4,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
    withObjectString: true,
  });
  const options = fc.dictionary(fc.constantFrom(...OPTION_NAMES), fc.oneof(leaf, anything), {
    maxKeys: 4,
  });
  return fc.oneof(
    { arbitrary: anything, weight: 2 },
    { arbitrary: hostileValue, weight: 3 },
    { arbitrary: plausible, weight: 2 },
    { arbitrary: options, weight: 2 },
    ...valid.map((arbitrary) => ({ arbitrary, weight: 3 })),
  );
}

/** Up to four arguments. */
export function argumentList(valid: readonly fc.Arbitrary<unknown>[] = []): fc.Arbitrary<unknown[]> {
  return fc.array(argument(valid), { maxLength: 4 });
}

/** Every number an argument holds, however deep (typed arrays and boxed numbers too), for the NaN rule. */
export function numbersIn(x: unknown, seen = new Set<unknown>()): number[] {
  if (typeof x === 'number') return [x];
  if (x instanceof Number) return [x.valueOf()];
  if (typeof x !== 'object' || x === null || seen.has(x)) return [];
  seen.add(x);
  if (x instanceof Tensor) {
    // A device's values cannot be read synchronously: unknown, so possibly NaN.
    if (x.device !== 'cpu') return [Number.NaN];
    return x.numel <= 1e5 && x.dtype !== 'bool' ? Array.from(x.dataSync()) : [];
  }
  if (ArrayBuffer.isView(x))
    return x instanceof DataView ? [] : Array.from(x as unknown as ArrayLike<number>, Number);
  if (x instanceof Map) return [...x.values()].flatMap((v) => numbersIn(v, seen));
  if (x instanceof Set) return [...x].flatMap((v) => numbersIn(v, seen));
  return Object.values(x).flatMap((v) => numbersIn(v, seen));
}

/** A value as a failure message shows it. */
export function show(value: unknown): string {
  if (value instanceof Tensor) return `Tensor(${value.dtype} [${value.shape.join(', ')}])`;
  if (typeof value === 'function') return 'function';
  if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  try {
    return fc.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
