import { argumentError, checkElements, checkInteger, Generator } from '@fovea/tensor';

/**
 * A random permutation of 0..n-1 drawn as PyTorch's CPU `torch.randperm` draws it (a
 * Fisher-Yates shuffle, `z = random() % (n - i)`, swap i and i + z), so the same seed gives
 * PyTorch's order.
 */
export function randperm(n: number, generator: Generator): Int32Array {
  checkElements('randperm', checkInteger('randperm', 'n', n, 0));
  if (!(generator instanceof Generator))
    throw argumentError('randperm', 'generator', 'a Generator', generator);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = generator.nextUint32() % (n - i);
    const saved = order[i];
    order[i] = order[i + z];
    order[i + z] = saved;
  }
  return order;
}

/**
 * What `torch.empty((), dtype=torch.int64).random_(generator=g)` draws: 64 random bits (two
 * 32-bit draws, the first high) modulo 2^63. PyTorch draws one when a DataLoader iterator starts
 * (its base seed) and, without a generator, one more to seed the shuffle.
 */
export function randomInt64(generator: Generator): bigint {
  const high = BigInt(generator.nextUint32());
  const low = BigInt(generator.nextUint32());
  return ((high << 32n) | low) & ((1n << 63n) - 1n);
}
