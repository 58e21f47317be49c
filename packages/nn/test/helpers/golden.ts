import type { GoldenTensor } from '@fovea/golden';
import { type Tensor, tensor } from '@fovea/tensor';
import { expect } from 'vitest';

export { type GoldenTensor, loadGolden } from '@fovea/golden';

export function fromGolden(g: GoldenTensor): Tensor {
  return tensor(g.data).reshape(g.shape);
}

/** float32 against PyTorch's float64 reference rounded to float32: |a - b| <= 1e-4 + 1e-4 |b|. */
export function expectClose(
  actual: Tensor | ArrayLike<number>,
  expected: ArrayLike<number>,
  what = '',
): void {
  const a = 'dataSync' in actual ? actual.dataSync() : actual;
  expect(a.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = 1e-4 + 1e-4 * Math.abs(expected[i]);
    if (!(Math.abs(Number(a[i]) - expected[i]) <= tolerance)) {
      expect.fail(`${what}: element ${i} is ${a[i]}, expected ${expected[i]} (tolerance ${tolerance})`);
    }
  }
}

export function expectShape(t: Tensor, shape: readonly number[]): void {
  expect([...t.shape]).toEqual([...shape]);
}
