import type { Tensor } from '@fovea/tensor';

/*
 * The fused pointwise ops torch.optim calls, written with Fovea's primitives in the order ATen's
 * CPU kernels evaluate them (aten/src/ATen/native/cpu/PointwiseOpsKernel.cpp, lerp.h), so a step
 * rounds like PyTorch's. Callers run them under noGrad.
 */

/** `self.add(other, alpha=alpha)`: self + alpha * other. */
export function addScaled(self: Tensor, other: Tensor, alpha: number): Tensor {
  return self.add(other.mul(alpha));
}

/** `self.add_(other, alpha=alpha)`: in one pass, rounded as `self.add_(other.mul(alpha))`. */
export function addScaled_(self: Tensor, other: Tensor, alpha: number): Tensor {
  return self.add_(other, { alpha });
}

/** `self.addcmul(t1, t2, value=value)`: self + value * t1 * t2. */
export function addcmul(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return self.add(t1.mul(value).mul(t2));
}

/** `self.addcmul_(t1, t2, value=value)`. */
export function addcmul_(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return self.add_(t1.mul(value).mul(t2));
}

/** `self.addcdiv_(t1, t2, value=value)`: self + value * t1 / t2. */
export function addcdiv_(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return self.add_(t1.mul(value).div(t2));
}

/**
 * `self.lerp_(end, weight)`: self + weight * (end - self). ATen switches to
 * end - (end - self) * (1 - weight) for |weight| >= 0.5, which is exact at weight = 1.
 */
export function lerp_(self: Tensor, end: Tensor, weight: number): Tensor {
  const diff = end.sub(self);
  if (Math.abs(weight) < 0.5) return self.add_(diff.mul(weight));
  return self.copy_(end.sub(diff.mul(1 - weight)));
}

/** `torch.maximum(a, b, out=a)`. */
export function maximum_(self: Tensor, other: Tensor): Tensor {
  return self.copy_(self.maximum(other));
}
