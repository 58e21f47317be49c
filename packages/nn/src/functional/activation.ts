import type { Tensor } from '@fovea/tensor';

/**
 * log(softmax(x)) along `dim`, computed stably: with m the maximum along `dim` (held constant,
 * since the result does not depend on it), log_softmax(x) = (x - m) - log(sum(exp(x - m))).
 */
export function logSoftmax(input: Tensor, dim: number): Tensor {
  const shifted = input.sub(input.max(dim, true).values.detach());
  return shifted.sub(shifted.exp().sum(dim, true).log());
}

/** exp(x) / sum(exp(x)) along `dim`, shifted by the maximum so that exp never overflows. */
export function softmax(input: Tensor, dim: number): Tensor {
  const e = input.sub(input.max(dim, true).values.detach()).exp();
  return e.div(e.sum(dim, true));
}
