import { record, saving } from '../autograd.js';
import { allocate, isFloating, promoteTypes } from '../dtype.js';
import { gemm } from '../kernels/registered/gemm.js';
import type { FloatArray } from '../kernels/shape.js';
import { broadcastShapes, formatShape, numel } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { hostArray } from '../storage.js';
import type { Tensor } from '../tensor.js';
import { deviceZeros, kernelOperand, kernelResult, sameDevice } from './device.js';
import { requireTensor } from './operands.js';
import { sumTo } from './sum-to.js';

/**
 * Matrix product with `torch.matmul`'s rules: 1-D operands are promoted to a row (left) or a
 * column (right) and the added axis removed afterwards; leading batch axes broadcast.
 *
 * Shapes: $(\ldots, n, k) \times (\ldots, k, m) \to (\ldots, n, m)$, the batch dimensions
 * $\ldots$ broadcast against each other; $(k) \times (k) \to ()$ (the dot product),
 * $(n, k) \times (k) \to (n)$ and $(k) \times (k, m) \to (m)$.
 *
 * Dtypes promote as in {@link add} (two int32 matrices give int32). Runs on the backend in effect;
 * float32 matrices on the GPU (`'webgpu'`) stay there.
 *
 * @param left - The left operand, at least 1-D.
 * @param right - The right operand, at least 1-D, its second-to-last dimension (or only one) the
 * size of `left`'s last.
 * @returns The product.
 *
 * @example
 * ```ts
 * import { matmul, ones, tensor } from '@fovea/tensor';
 *
 * matmul(tensor([[1, 2], [3, 4]]), tensor([5, 6])).toArray(); // [17, 39]
 * matmul(tensor([1, 2]), tensor([3, 4])).item(); // 11
 * matmul(ones([10, 2, 3]), ones([3, 4])).shape; // [10, 2, 4]
 * ```
 */
export function matmul(left: Tensor, right: Tensor): Tensor {
  // A host operand beside a device one is copied there if it is one element, else refused.
  const [a0, b0] = sameDevice('matmul', [
    requireTensor('matmul', left),
    requireTensor('matmul', right, 'other'),
  ]);
  if (a0.ndim === 0 || b0.ndim === 0) {
    throw new Error(
      `matmul: both arguments need at least 1 dimension, got ${formatShape(a0.shape)} and ${formatShape(b0.shape)}`,
    );
  }
  const dtype = promoteTypes(a0.dtype, b0.dtype);
  if (dtype === 'bool') throw new Error('matmul: not supported for bool tensors');
  const onDevice = a0.storage.deviceBuffer ?? b0.storage.deviceBuffer;
  if (onDevice !== null && !isFloating(dtype)) {
    // Integer products are exact in float64, which a device does not have (as CUDA's addmm has
    // no int kernel).
    throw new Error(
      `matmul: ${dtype} tensors on ${onDevice.device} have no matmul kernel; convert them with .to('float32') or move them with \`await t.cpu()\``,
    );
  }
  const a = a0.ndim === 1 ? a0.unsqueeze(0) : a0;
  const b = b0.ndim === 1 ? b0.unsqueeze(1) : b0;
  const [n, k] = a.shape.slice(-2);
  const [k2, m] = b.shape.slice(-2);
  if (k !== k2) {
    throw new Error(
      `matmul: shapes ${formatShape(a0.shape)} and ${formatShape(b0.shape)} cannot be multiplied (${n}x${k} and ${k2}x${m})`,
    );
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  // Integer products are computed in float64 (exact below 2^53) and truncated back.
  const computeType = isFloating(dtype) ? dtype : 'float64';
  const count = numel(batch);
  // Operands on a device multiply there, into a product allocated there (ops/device.ts).
  const device = a.storage.deviceBuffer ?? b.storage.deviceBuffer;
  const A = matrixOperand(a.expand([...batch, n, k]).to(computeType), count);
  const B = matrixOperand(b.expand([...batch, k, m]).to(computeType), count);
  const ae = A.tensor;
  const be = B.tensor;
  const product = (
    device === null
      ? allocate(computeType, count * n * m)
      : deviceZeros(device.device, count * n * m, 'matmul')
  ) as FloatArray;
  for (let i = 0; i < (isShapesOnly() ? 0 : count); i++) {
    gemm(
      A.transposed,
      B.transposed,
      n,
      m,
      k,
      1,
      A.data,
      A.offset + i * n * k,
      A.ld,
      B.data,
      B.offset + i * k * m,
      B.ld,
      0,
      product,
      i * n * m,
      m,
    );
  }
  const out = computeType === dtype ? product : Int32Array.from(product);
  let shape = [...batch, n, m];
  if (a0.ndim === 1) shape = shape.filter((_, i) => i !== shape.length - 2);
  if (b0.ndim === 1) shape = shape.slice(0, -1);
  const result = kernelResult(out, shape, dtype);
  if (!isFloating(dtype)) return result;
  return record(
    'MmBackward0',
    result,
    [a0, b0],
    (g) => {
      // With G the gradient as [..., n, m]: dA = G B^T, dB = A^T G, each summed over broadcast batch
      // axes and given back in its input's dtype.
      const g2 = g.reshape([...batch, n, m]);
      return [
        a0.requiresGrad
          ? sumTo(matmul(g2, be.transpose(-1, -2)), a.shape)
              .reshape(a0.shape)
              .to(a0.dtype)
          : null,
        b0.requiresGrad
          ? B.transposed
            ? // dB = (G^T A)^T: a transposed view of a row-major product, so the gradient of the
              // matrix B is a view of (linear's weight.t()) arrives row-major, with no copy.
              matmul(g2.transpose(-1, -2), ae).transpose(-1, -2).to(b0.dtype)
            : sumTo(matmul(ae.transpose(-1, -2), g2), b.shape)
                .reshape(b0.shape)
                .to(b0.dtype)
          : null,
      ];
    },
    saving(b0.requiresGrad && a0, a0.requiresGrad && b0),
  );
}

/** A GEMM operand: its array, where it starts, its leading dimension and whether it is stored transposed. */
export interface MatrixOperand {
  readonly tensor: Tensor;
  readonly data: FloatArray;
  readonly offset: number;
  readonly ld: number;
  readonly transposed: boolean;
}

/**
 * `x` ([..., rows, cols]) as the GEMM reads it: a single matrix stored transposed (a `t()` view,
 * as linear's weight is) is read in place with the transposed flag, not copied; anything else
 * is made contiguous (row-major matrices one after another).
 */
export function matrixOperand(x: Tensor, count: number): MatrixOperand {
  const [rows, cols] = x.shape.slice(-2);
  if (x.storage.deviceBuffer !== null) {
    // The device's whole buffer, row-major (kernelOperand copies a view there first).
    return { tensor: x, data: kernelOperand('matmul', x), offset: 0, ld: cols, transposed: false };
  }
  if (count === 1 && x.ndim === 2 && rows > 1 && cols > 1 && x.strides[0] === 1 && x.strides[1] === rows) {
    return {
      tensor: x,
      data: hostArray(x, 'matmul') as FloatArray,
      offset: x.offset,
      ld: rows,
      transposed: true,
    };
  }
  const c = x.contiguous();
  return {
    tensor: c,
    data: hostArray(c, 'matmul') as FloatArray,
    offset: c.offset,
    ld: cols,
    transposed: false,
  };
}
