import { type GradcheckOptions, gradcheck } from '@fovea/autograd';
import { expect } from 'vitest';
import { Generator, type NestedArray, rand, type Tensor, tensor } from '../../src/index.js';

// Every check compares backward with float64 central differences (eps 1e-6) entry by entry of
// the Jacobian: |analytical - numerical| <= 1e-5 + 1e-3 |numerical| (PyTorch's gradcheck defaults).

/** Seeded per test file, so a file's inputs do not depend on which other files ran. */
export const generator = new Generator(0);

/** A float64 leaf that requires grad, uniform in [low, high). */
export function input(shape: number[], low = -1, high = 1, g: Generator = generator): Tensor {
  return rand(shape, { dtype: 'float64', generator: g })
    .mul(high - low)
    .add(low)
    .requiresGrad_();
}

/** A float64 leaf that requires grad, from nested arrays. */
export function leaf(data: NestedArray): Tensor {
  return tensor(data as number[], { dtype: 'float64', requiresGrad: true });
}

/** A float64 tensor that requires no grad. */
export function constant(data: NestedArray): Tensor {
  return tensor(data as number[], { dtype: 'float64' });
}

export type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

export function check(fn: Fn, inputs: Tensor[], options?: GradcheckOptions): void {
  expect(gradcheck(fn, inputs, options)).toBe(true);
}

// Values away from the kinks of abs, relu and clamp (at 0, 0.25 and 0.75).
export const kinky = [
  [-1.5, -0.3, 0.2],
  [0.7, -0.9, 1.2],
];
