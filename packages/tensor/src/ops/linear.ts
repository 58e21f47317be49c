import { record, saving } from '../autograd.js';
import { allocate, isFloating } from '../dtype.js';
import { gemm } from '../kernels/registered/gemm.js';
import type { FloatArray } from '../kernels/shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { contiguousData } from './float-data.js';
import { matmul, matrixOperand } from './matmul.js';
import { requireTensor } from './operands.js';
import { sum } from './reduce.js';

/**
 * `F.linear`: y = x W^T + b, for x [..., in], W [out, in] and b [out] or null. A 2-D x on the
 * host is PyTorch's `addmm(b, x, W^T)`: one GEMM, C = x W^T + C with C starting as b in every
 * row, W read transposed in place; the gradients are dx = g W, dW = g^T x and db = g summed
 * over the rows. Any other case is `matmul` then `add`.
 *
 * Shapes: input $(\ldots, H_{in})$, weight $(H_{out}, H_{in})$, bias $(H_{out})$, output
 * $(\ldots, H_{out})$. Dtypes promote as in {@link matmul}.
 *
 * @param input - The input, `[..., in]`.
 * @param weight - The weight, `[out, in]`.
 * @param bias - `[out]`, or null (the default) for none.
 * @returns `input @ weight^T + bias`, `[..., out]`.
 *
 * @example
 * ```ts
 * import { linear, ones, tensor } from '@fovea/tensor';
 *
 * linear(tensor([[1, 2]]), tensor([[1, 1], [0, 1], [2, 0]]), tensor([0, 0, 10])).toArray(); // [[3, 2, 12]]
 * linear(ones([4, 5, 3]), ones([2, 3])).shape; // [4, 5, 2]
 * ```
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const x = requireTensor('linear', input);
  const w = requireTensor('linear', weight, 'weight');
  const b = bias ?? null;
  if (b !== null) requireTensor('linear', b, 'bias');
  if (!addmmApplies(x, w, b)) {
    const y = x.matmul(w.t());
    return b === null ? y : add(y, b);
  }
  const [rows, inFeatures] = x.shape;
  const outFeatures = w.shape[0];
  const out = allocate(x.dtype, isShapesOnly() ? 0 : rows * outFeatures) as FloatArray;
  if (!isShapesOnly()) {
    if (b !== null) {
      const values = contiguousData(b, 'linear') as FloatArray;
      for (let i = 0; i < rows; i++) out.set(values, i * outFeatures);
    }
    const A = matrixOperand(x, 1);
    const B = matrixOperand(w.t(), 1);
    gemm(
      A.transposed,
      B.transposed,
      rows,
      outFeatures,
      inFeatures,
      1,
      A.data,
      A.offset,
      A.ld,
      B.data,
      B.offset,
      B.ld,
      b === null ? 0 : 1,
      out,
      0,
      outFeatures,
    );
  }
  const result = Tensor.fromArray(out, [rows, outFeatures], x.dtype);
  return record(
    'AddmmBackward0',
    result,
    [x, w, b],
    (g) => [
      x.requiresGrad ? matmul(g, w) : null,
      w.requiresGrad ? matmul(g.t(), x) : null,
      b?.requiresGrad ? sum(g, 0) : null,
    ],
    saving(w.requiresGrad && x, x.requiresGrad && w),
  );
}

/** The fused path: 2-D input, 2-D weight and 1-D bias of one floating dtype, all on the host, shapes agreeing. */
function addmmApplies(x: Tensor, w: Tensor, b: Tensor | null): boolean {
  return (
    x.ndim === 2 &&
    w.ndim === 2 &&
    x.shape[1] === w.shape[1] &&
    isFloating(x.dtype) &&
    w.dtype === x.dtype &&
    x.device === 'cpu' &&
    w.device === 'cpu' &&
    (b === null || (b.ndim === 1 && b.shape[0] === w.shape[0] && b.dtype === x.dtype && b.device === 'cpu'))
  );
}
