import { checkOptions, checkTensor, describe, type Generator, rand, type Tensor } from '@fovea/tensor';

/** The optional arguments of `functional.dropout`. */
export interface DropoutOptions {
  /** Apply dropout (default); when false the input is returned as it is. */
  training?: boolean;
  /** Draws the mask from this generator instead of the default one. */
  generator?: Generator;
}

/**
 * Throws PyTorch's error unless `p` is in [0, 1].
 *
 * @param p - The probability to check.
 */
export function checkDropoutProbability(p: number, op = 'dropout'): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    // PyTorch's words after the caller's name.
    throw new Error(`${op}: dropout probability has to be between 0 and 1, but got ${describe(p)}`);
  }
}

/**
 * `F.dropout`: zeroes each element with probability `p` and scales the survivors by 1 / (1 - p),
 * so the expected value is unchanged. The mask is drawn from the tensor library's generator.
 *
 * @param input - Any shape.
 * @param p - Probability of zeroing an element (0.5).
 * @param options - `training` (true) and `generator`.
 * @returns Same shape as `input`.
 * @throws If `p` is not in [0, 1].
 */
export function dropout(input: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  checkTensor('dropout', 'input', input);
  checkDropoutProbability(p);
  const { training = true, generator } = checkOptions('dropout', options);
  if (!training || p === 0) return input;
  if (p === 1) return input.mul(0);
  const keep = rand(input.shape, { dtype: input.dtype, generator, device: input.device }).lt(1 - p);
  return input.mul(keep.to(input.dtype).mul(1 / (1 - p)));
}
