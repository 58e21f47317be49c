import { isGradEnabled } from '@fovea/autograd';
import { record } from '../autograd.js';
import { checkInteger, checkOneOf, checkOptions } from '../checks.js';
import { allocate, isFloating } from '../dtype.js';
import type { CrossEntropyReduction, CrossEntropyTargets } from '../kernels/cross-entropy.js';
import { crossEntropyBackward, crossEntropyForward } from '../kernels/registered/cross-entropy.js';
import type { FloatArray } from '../kernels/shape.js';
import { formatShape } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { uploadTo } from '../storage.js';
import { Tensor } from '../tensor.js';
import { kernelOperand, kernelResult } from './device.js';
import { exp, sub } from './elementwise.js';
import { contiguousData, floatData } from './float-data.js';
import { requireTensor, shapesOnlyResult } from './operands.js';
import { max } from './reduce.js';

/** The optional arguments of {@link sparseSoftmaxCrossEntropy}, PyTorch's `weight`, `reduction` and `ignore_index`. */
export interface SparseSoftmaxCrossEntropyOptions {
  /** 'mean' (the default) over the targets that count (weighted by their classes' weights), 'sum', or 'none' for one loss per row. */
  reduction?: CrossEntropyReduction;
  /** A target equal to this adds no loss and no gradient (PyTorch's default, -100). */
  ignoreIndex?: number;
  /**
   * A weight per class, `[C]`, of the logits' dtype and on their device, or null (the default)
   * for none. It is a constant: no gradient flows to it.
   */
  weight?: Tensor | null;
}

/**
 * Cross-entropy of logits `input` [N, C] against class indices `target` (int32 [N]): log-softmax
 * along the classes and the (class-weighted) negative log-likelihood of the targets in one op
 * each way, as PyTorch's `cross_entropy` with class indices and no label smoothing (the name is
 * TensorFlow's for this fused op). Its kernels are the registry's `crossEntropyForward` and
 * `crossEntropyBackward`, on every backend: logits on the GPU ('webgpu') run its kernels there,
 * the labels staying in host memory. `F.crossEntropy` runs through it for [N, C] logits.
 *
 * @param input - The logits, floating `[N, C]`.
 * @param target - The class of each row, int32 `[N]` in host memory, in `[0, C)` or `ignoreIndex`.
 * @param options - `reduction`, `ignoreIndex` and `weight`.
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
  const { reduction = 'mean', ignoreIndex = -100, weight = null } = checkOptions(op, options);
  checkOneOf(op, 'reduction', reduction, ['mean', 'sum', 'none']);
  checkInteger(op, 'ignoreIndex', ignoreIndex);
  if (x.ndim !== 2 || !isFloating(x.dtype)) {
    throw new Error(`${op}: expected floating point logits [N, C], got ${x.dtype} ${formatShape(x.shape)}`);
  }
  const rows = x.shape[0];
  if (t.dtype !== 'int32' || t.ndim !== 1 || t.shape[0] !== rows) {
    throw new Error(
      `${op}: expected int32 class indices of shape [${rows}] for logits ${formatShape(x.shape)}, got ${t.dtype} ${formatShape(t.shape)}`,
    );
  }
  if (weight !== null) checkWeight(op, requireTensor(op, weight, 'weight'), x);
  const outShape = reduction === 'none' ? [rows] : [];
  if (isShapesOnly()) return shapesOnlyResult(x, outShape);
  const labels = contiguousData(t, op) as Int32Array;
  checkLabels(op, labels, ignoreIndex, x.shape);
  const targets = kernelTargets(op, x, labels, weight, ignoreIndex, reduction);
  const { logp, loss } = crossEntropyForward(kernelOperand(op, x), x.shape, targets);
  const result = kernelResult(loss, outShape, x.dtype);
  const saved = kernelResult(logp, x.shape, x.dtype);
  const rowsOf: Rows = { labels, weight, ignoreIndex, reduction };
  // PyTorch's cross_entropy output shows nll_loss's node; the log-softmax is folded into it here.
  return record('NllLossBackward0', result, [x], (g) => [gradient(x, saved, rowsOf, targets, g)], [saved]);
}

/** The class weights' rules: [C], the logits' dtype and device, and no gradient asked of them. */
function checkWeight(op: string, weight: Tensor, x: Tensor): void {
  const classes = x.shape[1];
  if (weight.ndim !== 1 || weight.shape[0] !== classes || weight.dtype !== x.dtype) {
    throw new Error(
      `${op}: expected a ${x.dtype} weight of shape [${classes}] for logits ${formatShape(x.shape)}, got ${weight.dtype} ${formatShape(weight.shape)}`,
    );
  }
  if (weight.device !== x.device) {
    throw new Error(
      `${op}: the weight lives on ${weight.device} but the logits on ${x.device}; move it with \`weight.to('${x.device}')\``,
    );
  }
  if (weight.requiresGrad) throw new Error(`${op}: the weight takes no gradient; pass weight.detach()`);
}

/** Every label in [0, C) or ignoreIndex, checked on the host before any kernel runs (PyTorch's error). */
function checkLabels(op: string, labels: Int32Array, ignoreIndex: number, shape: readonly number[]): void {
  const classes = shape[1];
  for (let row = 0; row < labels.length; row++) {
    const label = labels[row];
    if (label !== ignoreIndex && (label < 0 || label >= classes)) {
      throw new Error(
        `${op}: Target ${label} is out of bounds. Class indices must lie in [0, ${classes}) (row ${row} of logits ${formatShape(shape)})`,
      );
    }
  }
}

/** The targets as the kernels of x's device take them: labels and weight moved there too. */
function kernelTargets(
  op: string,
  x: Tensor,
  labels: Int32Array,
  weight: Tensor | null,
  ignoreIndex: number,
  reduction: CrossEntropyReduction,
): CrossEntropyTargets {
  const device = x.storage.deviceBuffer?.device;
  const onDevice = device === undefined ? labels : uploadTo(device, labels, 'int32', op).deviceBuffer;
  return {
    labels: onDevice as Int32Array,
    weight: weight === null ? null : kernelOperand(op, weight, 'weight'),
    ignoreIndex,
    reduction,
  };
}

/** What the composed backward needs of the targets, in host memory. */
interface Rows {
  readonly labels: Int32Array;
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly reduction: CrossEntropyReduction;
}

/**
 * nll_loss's backward per row, d_t: -(g w_t / W) for 'mean' (W the counted rows' total weight),
 * -g w_t for 'sum', -g[i] w_t for 'none', and 0 for an ignored row (w_t 1 without weights).
 */
function rowGrad(g: Tensor, rows: Rows): Tensor {
  const { labels, weight, ignoreIndex, reduction } = rows;
  const w = weight === null ? null : contiguousData(weight);
  const valid = allocate(g.dtype, labels.length);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === ignoreIndex) continue;
    valid[i] = w === null ? 1 : w[labels[i]];
    total += valid[i];
  }
  const coefficient = reduction === 'mean' ? g.div(total).neg() : g.neg();
  return coefficient.mul(Tensor.fromArray(valid, [labels.length], g.dtype));
}

/**
 * dx = d - exp(logp) * d_t per row: the backward kernel of logp's device, or differentiable
 * ops from `x` when the backward itself is recorded (`createGraph`, host tensors).
 */
function gradient(x: Tensor, logp: Tensor, rows: Rows, targets: CrossEntropyTargets, g: Tensor): Tensor {
  const [batch, classes] = x.shape;
  const { labels, ignoreIndex } = rows;
  const op = 'sparse_softmax_cross_entropy backward';
  if (x.device === 'cpu' && isGradEnabled() && (g.requiresGrad || x.requiresGrad)) {
    const shifted = sub(x, max(x, 1, true).values.detach());
    const logProbabilities = sub(shifted, exp(shifted).sum(1, true).log());
    const oneHot = allocate(x.dtype, x.numel);
    for (let i = 0; i < batch; i++) if (labels[i] !== ignoreIndex) oneHot[i * classes + labels[i]] = 1;
    const column = rowGrad(g, rows).reshape([batch, 1]);
    return Tensor.fromArray(oneHot, x.shape, x.dtype).mul(column).sub(exp(logProbabilities).mul(column));
  }
  const gloss = x.device === 'cpu' ? floatData(op, g.to(x.dtype)) : kernelOperand(op, g, 'grad_output');
  const dx = crossEntropyBackward(gloss, kernelOperand(op, logp) as FloatArray, x.shape, targets);
  return kernelResult(dx, x.shape, x.dtype);
}
