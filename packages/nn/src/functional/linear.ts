import { linear as addmmLinear, checkTensor, type Tensor } from '@fovea/tensor';

/**
 * `F.linear`: y = x W^T + b, for x of shape [..., in] and W of shape [out, in] (one GEMM with
 * its bias for a 2-D x, as PyTorch's addmm).
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
  return addmmLinear(input, weight, bias);
}
