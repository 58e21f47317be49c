import { argumentError, checkInteger } from './checks.js';

/** One step of MT19937's recurrence: the new word from the old one, its successor and the word 397 on. */
function twisted(word: number, next: number, far: number): number {
  const y = (word & 0x80000000) | (next & 0x7fffffff);
  return (far ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
}

/**
 * A source of seeded random numbers, like `torch.Generator`. The engine is MT19937 seeded as
 * `torch.manual_seed` seeds it, and uniform floats take PyTorch's bits (24 for float32, 53 for
 * float64), so `manualSeed(0)` then `rand([2])` gives PyTorch's `tensor([0.4963, 0.7682])`. Pass
 * one as `generator` to the random functions (`rand`, `randn`, `randint`, `uniform_`, a
 * `DataLoader`'s shuffle) to keep their draws apart from the default generator's.
 *
 * @example
 * ```ts
 * import { Generator, rand } from '@fovea/tensor';
 *
 * const generator = new Generator().manualSeed(0);
 * rand([2], { generator }).toArray(); // [0.49625658988952637, 0.7682217955589294]
 * ```
 */
export class Generator {
  private readonly mt = new Uint32Array(624);
  private index = 624;
  private cachedNormal: number | null = null;
  private seedValue = 0;

  /**
   * A generator seeded with `seed`.
   *
   * @param seed - The seed; 5489, MT19937's and PyTorch's default, unless given.
   */
  constructor(seed: number | bigint = 5489) {
    this.manualSeed(checkSeed('Generator', seed));
  }

  /**
   * Re-seeds in place and returns the generator, like `torch.Generator.manual_seed`.
   *
   * @param seed - A non-negative integer (a bigint for seeds beyond 2^53), used as PyTorch uses it.
   * @returns This generator.
   */
  manualSeed(seed: number | bigint): this {
    const s = Number(BigInt.asUintN(32, BigInt(checkSeed('Generator.manualSeed', seed))));
    this.seedValue = s;
    const mt = this.mt;
    mt[0] = s;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev + i, in 32-bit arithmetic
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = 624;
    this.cachedNormal = null;
    return this;
  }

  /**
   * The seed this generator was last seeded with, like `torch.Generator.initial_seed`.
   *
   * @returns The seed.
   */
  initialSeed(): number {
    return this.seedValue;
  }

  private twist(): void {
    const mt = this.mt;
    // MT19937's recurrence, mt[i] from mt[i], mt[i + 1] and mt[i + 397] (indices mod 624), in
    // three runs so that no index needs a remainder: this loop is a third of `rand`'s time.
    for (let i = 0; i < 227; i++) mt[i] = twisted(mt[i], mt[i + 1], mt[i + 397]);
    for (let i = 227; i < 623; i++) mt[i] = twisted(mt[i], mt[i + 1], mt[i - 227]);
    mt[623] = twisted(mt[623], mt[0], mt[396]);
    this.index = 0;
  }

  /**
   * The next 32 random bits, MT19937's output.
   *
   * @returns An integer in [0, 2^32).
   */
  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * Uniform in [0, 1) with float32 resolution (24 random bits), as PyTorch draws a float32.
   *
   * @returns The sample.
   */
  uniform24(): number {
    return (this.nextUint32() & 0xffffff) / 16777216;
  }

  /**
   * Uniform in [0, 1) with float64 resolution (53 bits of a 64-bit draw, high word first).
   *
   * @returns The sample.
   */
  uniform53(): number {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    // (hi << 32 | lo) & (2^53 - 1), scaled by 2^-53
    return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
  }

  /**
   * A standard normal sample by Box-Muller on float64 uniforms, caching the second value.
   *
   * @returns The sample.
   */
  normal(): number {
    if (this.cachedNormal !== null) {
      const v = this.cachedNormal;
      this.cachedNormal = null;
      return v;
    }
    const u1 = this.uniform53();
    const u2 = this.uniform53();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/** A seed is an integer, as a number or a bigint (its low 32 bits are used, as PyTorch's CPU generator does). */
function checkSeed(fn: string, seed: unknown): number | bigint {
  if (typeof seed === 'bigint') return seed;
  return checkInteger(fn, 'seed', seed);
}

/**
 * Checks an options object's `generator`, for packages that take one as PyTorch's functions do.
 *
 * @param fn - The public function being called, named in the error.
 * @param generator - The value given: a `Generator`, or undefined for the default one.
 * @returns The generator, or undefined.
 */
export function checkGenerator(fn: string, generator: unknown): Generator | undefined {
  if (generator !== undefined && !(generator instanceof Generator)) {
    throw argumentError(fn, 'generator', 'a Generator', generator);
  }
  return generator;
}

/**
 * The generator the random functions draw from when given none, PyTorch's default generator;
 * seed it with {@link manualSeed}.
 */
export const defaultGenerator = new Generator(5489);

/**
 * Seeds the default generator, like `torch.manual_seed`: the draws that follow repeat PyTorch's
 * for the same seed.
 *
 * @param seed - A non-negative integer (or a bigint).
 * @returns The default generator.
 *
 * @example
 * ```ts
 * import { manualSeed, randint, randn } from '@fovea/tensor';
 *
 * manualSeed(0);
 * randn([3]).toArray(); // [1.5409960746765137, -0.293428897857666, -2.1787893772125244]
 * randint(0, 10, [5]).toArray(); // [7, 3, 1, 6, 6]
 * ```
 */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(checkSeed('manualSeed', seed));
}

/** Fills `out` with uniform values in [low, high) computed at the target precision. */
export function fillUniform(
  out: Float32Array | Float64Array,
  low: number,
  high: number,
  generator: Generator = defaultGenerator,
): void {
  if (out instanceof Float32Array) {
    const range = Math.fround(high - low);
    for (let i = 0; i < out.length; i++) out[i] = Math.fround(generator.uniform24() * range) + low;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = generator.uniform53() * (high - low) + low;
  }
}

/**
 * Fills `out` with normal values. From 16 elements on, PyTorch fills uniforms first and turns
 * them into normals sixteen at a time (Box-Muller over pairs j, j + 8); shorter fills draw one
 * sample at a time.
 */
export function fillNormal(
  out: Float32Array | Float64Array,
  mean: number,
  std: number,
  generator: Generator = defaultGenerator,
): void {
  const n = out.length;
  if (n < 16) {
    for (let i = 0; i < n; i++) out[i] = generator.normal() * std + mean;
    return;
  }
  const single = out instanceof Float32Array;
  const draw = single ? () => generator.uniform24() : () => generator.uniform53();
  if (single) for (let i = 0; i < n; i++) out[i] = generator.uniform24();
  else for (let i = 0; i < n; i++) out[i] = generator.uniform53();
  const block = (start: number) => {
    for (let j = 0; j < 8; j++) {
      const u1 = 1 - out[start + j];
      const u2 = out[start + j + 8];
      const radius = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      out[start + j] = radius * Math.cos(theta) * std + mean;
      out[start + j + 8] = radius * Math.sin(theta) * std + mean;
    }
  };
  for (let i = 0; i + 16 <= n; i += 16) block(i);
  if (n % 16 !== 0) {
    const start = n - 16;
    for (let i = start; i < n; i++) out[i] = draw();
    block(start);
  }
}
