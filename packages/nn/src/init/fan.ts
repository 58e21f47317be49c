import type { Tensor } from '@fovea/tensor';

/**
 * PyTorch's `_calculate_fan_in_and_fan_out`: for a weight [out, in, *kernel], fan in is
 * in * prod(kernel) and fan out is out * prod(kernel).
 *
 * @param tensor - A weight of at least 2 dimensions (`[out, in, ...kernel]`).
 * @returns `fanIn = in * kernel elements` and `fanOut = out * kernel elements`.
 * @throws For a tensor of fewer than 2 dimensions.
 */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  if (tensor.ndim < 2) {
    throw new Error(
      `calculateFanInAndFanOut: fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape [${tensor.shape.join(', ')}])`,
    );
  }
  let receptiveFieldSize = 1;
  for (const s of tensor.shape.slice(2)) receptiveFieldSize *= s;
  return { fanIn: tensor.shape[1] * receptiveFieldSize, fanOut: tensor.shape[0] * receptiveFieldSize };
}

/** Which fan a Kaiming initializer keeps the variance for: inputs (forward) or outputs (backward). */
export type FanMode = 'fan_in' | 'fan_out';

/**
 * PyTorch's `_calculate_correct_fan`.
 *
 * @param tensor - A weight of at least 2 dimensions.
 * @param mode - `'fan_in'` or `'fan_out'`.
 */
export function calculateCorrectFan(tensor: Tensor, mode: FanMode): number {
  const lower = typeof mode === 'string' ? mode.toLowerCase() : mode;
  if (lower !== 'fan_in' && lower !== 'fan_out') {
    throw new Error(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  }
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  return lower === 'fan_in' ? fanIn : fanOut;
}
