import { checkBroadcastable, checkTensor, formatShape, type Tensor } from '@fovea/tensor';

/**
 * `F.linear`: y = x W^T + b, for x of shape [..., in] and W of shape [out, in].
 *
 * @param input - `[..., in]`.
 * @param weight - `[out, in]`.
 * @param bias - `[out]`, or null for none.
 * @returns `[..., out]`.
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensor('linear', 'input', input);
  checkTensor('linear', 'weight', weight);
  if (bias !== null && bias !== undefined) checkTensor('linear', 'bias', bias);
  const features = weight.shape[weight.ndim - 1];
  if (weight.ndim < 1 || weight.ndim > 2 || input.ndim < 1 || input.shape[input.ndim - 1] !== features) {
    throw new Error(
      `linear: input ${formatShape(input.shape)} and weight ${formatShape(weight.shape)} do not match: ` +
        'the weight must be [out_features, in_features] (or [in_features]) and the input [..., in_features]',
    );
  }
  const y = input.matmul(weight.t());
  if (bias === null || bias === undefined) return y;
  checkBroadcastable('linear', y.shape, bias.shape);
  return y.add(bias);
}
