import { isGradEnabled } from '@fovea/autograd';
import { record } from '../autograd.js';
import { checkInteger, checkOneOf, checkOptions } from '../checks.js';
import { allocate, isFloating } from '../dtype.js';
import { crossEntropyBackward, crossEntropyForward } from '../kernels/registered/cross-entropy.js';
import type { FloatArray } from '../kernels/shape.js';
import { formatShape } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { Tensor } from '../tensor.js';
import { exp, sub } from './elementwise.js';
import { contiguousData, floatData } from './float-data.js';
import { requireTensor, shapesOnlyResult } from './operands.js';
import { max } from './reduce.js';

/** The optional arguments of {@link sparseSoftmaxCrossEntropy}, PyTorch's `reduction` and `ignore_index`. */
export interface SparseSoftmaxCrossEntropyOptions {
  /** 'mean' (the default) over the targets that count, 'sum', or 'none' for one loss per row. */
  reduction?: 'mean' | 'sum' | 'none';
  /** A target equal to this adds no loss and no gradient (PyTorch's default, -100). */
  ignoreIndex?: number;
}

/**
 * Cross-entropy of logits `input` [N, C] against class indices `target` (int32 [N]): log-softmax
 * along the classes and the negative log-likelihood of the targets in one op each way, as
 * PyTorch's `cross_entropy` with class indices, no class weights and no label smoothing (the
 * name is TensorFlow's for this fused op). `F.crossEntropy` runs through it when it can.
 *
 * @param input - The logits, floating `[N, C]`.
 * @param target - The class of each row, int32 `[N]`, in `[0, C)` or `ignoreIndex`.
 * @param options - `reduction` and `ignoreIndex`.
 * @returns The loss: one value, or `[N]` for reduction `'none'`.
 *
 * @example
 * ```ts
 * import { sparseSoftmaxCrossEntropy, tensor, zeros } from '@fovea/tensor';
 *
 * const logits = zeros([2, 4], { dtype: 'float64' });
 * sparseSoftmaxCrossEntropy(logits, tensor([1, 3], { dtype: 'int32' })).item(); // 1.3862943611198906
 * ```
 */
export function sparseSoftmaxCrossEntropy(
  input: Tensor,
  target: Tensor,
  options?: SparseSoftmaxCrossEntropyOptions | null,
): Tensor {
  const op = 'sparse_softmax_cross_entropy';
  const x = requireTensor(op, input);
  const t = requireTensor(op, target, 'target');
  const { reduction = 'mean', ignoreIndex = -100 } = checkOptions(op, options);
  checkOneOf(op, 'reduction', reduction, ['mean', 'sum', 'none']);
  checkInteger(op, 'ignoreIndex', ignoreIndex);
  if (x.ndim !== 2 || !isFloating(x.dtype)) {
    throw new Error(`${op}: expected floating point logits [N, C], got ${x.dtype} ${formatShape(x.shape)}`);
  }
  const [rows, classes] = x.shape;
  if (t.dtype !== 'int32' || t.ndim !== 1 || t.shape[0] !== rows) {
    throw new Error(
      `${op}: expected int32 class indices of shape [${rows}] for logits ${formatShape(x.shape)}, got ${t.dtype} ${formatShape(t.shape)}`,
    );
  }
  const outShape = reduction === 'none' ? [rows] : [];
  if (isShapesOnly()) return shapesOnlyResult(x, outShape);
  const labels = contiguousData(t, op) as Int32Array;
  const logp = allocate(x.dtype, x.numel) as FloatArray;
  const losses = allocate(x.dtype, rows) as FloatArray;
  const count = crossEntropyForward(floatData(op, x), labels, classes, ignoreIndex, logp, losses);
  if (typeof count !== 'number') {
    throw new Error(
      `${op}: Target ${count.label} is out of bounds. Class indices must lie in [0, ${classes}) (row ${count.row} of logits ${formatShape(x.shape)})`,
    );
  }
  const result = Tensor.fromArray(reduce(losses, reduction, count, x.dtype), outShape, x.dtype);
  const saved = Tensor.fromArray(logp, x.shape, x.dtype);
  const targets: Rows = { labels, ignoreIndex, reduction, count };
  // PyTorch's cross_entropy output shows nll_loss's node; the log-softmax is folded into it here.
  return record('NllLossBackward0', result, [x], (g) => [gradient(x, saved, targets, g)]);
}

/** What the backward needs of the targets. */
interface Rows {
  readonly labels: Int32Array;
  readonly ignoreIndex: number;
  readonly reduction: string;
  /** Rows whose target counts (the mean's divisor). */
  readonly count: number;
}

/** The losses reduced: summed in double precision, then rounded once to the dtype. */
function reduce(losses: FloatArray, reduction: string, count: number, dtype: Tensor['dtype']): FloatArray {
  if (reduction === 'none') return losses;
  let total = 0;
  for (let i = 0; i < losses.length; i++) total += losses[i];
  const out = allocate(dtype, 1) as FloatArray;
  out[0] = reduction === 'mean' ? total / count : total;
  return out;
}

/**
 * nll_loss's backward per row, d_t: -(g / count) for 'mean', -g for 'sum', -g[i] for 'none',
 * and 0 for an ignored row.
 */
function rowGrad(g: Tensor, rows: Rows): Tensor {
  const { labels, ignoreIndex, reduction, count } = rows;
  const valid = allocate(g.dtype, labels.length);
  for (let i = 0; i < labels.length; i++) valid[i] = labels[i] === ignoreIndex ? 0 : 1;
  const coefficient = reduction === 'mean' ? g.div(count).neg() : g.neg();
  return coefficient.mul(Tensor.fromArray(valid, [labels.length], g.dtype));
}

/** rowGrad in one loop over a host array, for the backward that is not recorded. */
function rowGradValues(g: Tensor, rows: Rows, dtype: Tensor['dtype']): FloatArray {
  const { labels, ignoreIndex, reduction, count } = rows;
  const values = floatData('sparse_softmax_cross_entropy backward', g.to(dtype));
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const d = allocate(dtype, labels.length) as FloatArray;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === ignoreIndex) continue;
    d[i] = reduction === 'none' ? -values[i] : reduction === 'sum' ? -values[0] : -round(values[0] / count);
  }
  return d;
}

/**
 * dx = d - exp(logp) * d_t per row: one kernel pass, or differentiable ops from `x` when the
 * backward itself is recorded (`createGraph`).
 */
function gradient(x: Tensor, logp: Tensor, rows: Rows, g: Tensor): Tensor {
  const [batch, classes] = x.shape;
  const { labels, ignoreIndex } = rows;
  if (isGradEnabled() && (g.requiresGrad || x.requiresGrad)) {
    const shifted = sub(x, max(x, 1, true).values.detach());
    const logProbabilities = sub(shifted, exp(shifted).sum(1, true).log());
    const oneHot = allocate(x.dtype, x.numel);
    for (let i = 0; i < batch; i++) if (labels[i] !== ignoreIndex) oneHot[i * classes + labels[i]] = 1;
    const column = rowGrad(g, rows).reshape([batch, 1]);
    return Tensor.fromArray(oneHot, x.shape, x.dtype).mul(column).sub(exp(logProbabilities).mul(column));
  }
  const dx = allocate(x.dtype, x.numel) as FloatArray;
  const op = 'sparse_softmax_cross_entropy backward';
  crossEntropyBackward(
    floatData(op, logp),
    labels,
    classes,
    ignoreIndex,
    rowGradValues(g, rows, x.dtype),
    dx,
  );
  return Tensor.fromArray(dx, x.shape, x.dtype);
}
