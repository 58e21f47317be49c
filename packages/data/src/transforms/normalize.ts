import { argumentError, checkTensor, type Tensor, tensor } from '@fovea/tensor';

/**
 * torchvision's `normalize`: (x - mean[c]) / std[c] for each channel c of an image [C, H, W]
 * (or a batch [N, C, H, W]). One value for `mean` or `std` serves every channel.
 */
export function normalize(
  image: Tensor,
  mean: number | readonly number[],
  std: number | readonly number[],
): Tensor {
  checkTensor('normalize', 'image', image);
  for (const [arg, v] of [
    ['mean', mean],
    ['std', std],
  ] as const) {
    if (typeof v !== 'number' && !(Array.isArray(v) && v.every((x) => typeof x === 'number'))) {
      throw argumentError('normalize', arg, 'a number or an array of numbers', v);
    }
  }
  const rank = image.shape.length;
  if (rank !== 3 && rank !== 4) {
    throw new Error(
      `normalize: expected an image [C, H, W] or a batch [N, C, H, W], got [${image.shape.join(', ')}]`,
    );
  }
  const channels = image.shape[rank - 3];
  const perChannel = (name: string, value: number | readonly number[]): number[] => {
    const given = typeof value === 'number' ? [value] : [...value];
    const values = given.length === 1 ? new Array<number>(channels).fill(given[0]) : given;
    if (values.length !== channels) {
      throw new Error(
        `normalize: ${name} has ${values.length} values but the image has ${channels} channels ([${image.shape.join(', ')}])`,
      );
    }
    if (values.some((v) => !Number.isFinite(v)))
      throw new Error(`normalize: ${name} must be finite numbers, got [${values.join(', ')}]`);
    return values;
  };
  const m = perChannel('mean', mean);
  const s = perChannel('std', std);
  if (s.some((v) => v === 0)) throw new Error(`normalize: std must not be zero, got [${s.join(', ')}]`);
  const column = (values: number[]) => tensor(values, { dtype: image.dtype }).reshape([channels, 1, 1]);
  return image.sub(column(m)).div(column(s));
}
