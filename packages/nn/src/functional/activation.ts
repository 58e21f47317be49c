import { checkDim, checkTensor, type Tensor } from '@fovea/tensor';

/**
 * log(softmax(x)) along `dim`, computed stably: with m the maximum along `dim` (held constant,
 * since the result does not depend on it), log_softmax(x) = (x - m) - log(sum(exp(x - m))).
 *
 * @param input - Any shape.
 * @param dim - The dimension the probabilities are over (-1 for the last).
 * @returns Same shape as `input`.
 */
export function logSoftmax(input: Tensor, dim: number): Tensor {
  checkDim('log_softmax', 'dim', dim, checkTensor('log_softmax', 'input', input).ndim);
  // Nothing to normalise (PyTorch returns the empty tensor); max has no value to shift by.
  if (input.numel === 0) return input.clone();
  const shifted = input.sub(input.max(dim, true).values.detach());
  return shifted.sub(shifted.exp().sum(dim, true).log());
}

/**
 * exp(x) / sum(exp(x)) along `dim`, shifted by the maximum so that exp never overflows.
 *
 * @param input - Any shape.
 * @param dim - The dimension to normalise over (-1 for the last).
 * @returns Same shape as `input`; sums to 1 along `dim`.
 *
 * @example
 * ```ts
 * import { functional as F } from '@fovea/nn';
 * import { tensor } from '@fovea/tensor';
 *
 * String(F.softmax(tensor([1, 2, 3]), 0)); // 'tensor([0.0900, 0.2447, 0.6652])'
 * ```
 */
export function softmax(input: Tensor, dim: number): Tensor {
  checkDim('softmax', 'dim', dim, checkTensor('softmax', 'input', input).ndim);
  if (input.numel === 0) return input.clone();
  const e = input.sub(input.max(dim, true).values.detach()).exp();
  return e.div(e.sum(dim, true));
}
