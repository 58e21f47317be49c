import type { FloatArray } from './shape.js';

/**
 * Cross-entropy with class indices over logits [N, C] in one pass each way: log-softmax along
 * the classes and the (weighted) negative log-likelihood of the targets, as PyTorch's fused
 * `cross_entropy_loss` (log_softmax then nll_loss) computes them. Per row, with m the row's
 * maximum and s = sum_j exp(x_j - m):
 *
 *   logp_j = x_j - (m + log s)                        (PyTorch's _vec_log_softmax_lastdim)
 *   loss   = -w_t logp_t                              (t the row's target, w_t 1 without weights)
 *   dx_j   = d_j - exp(logp_j) * sum_k d_k            (log_softmax_backward_data)
 *
 * where d is nll_loss's backward: d_t = -w_t g / W for 'mean' (W the sum of w_t over the rows
 * that count: their number without weights), -w_t g for 'sum' (or the row's own g for 'none'),
 * zero elsewhere, so sum_k d_k = d_t. A row whose target is `ignoreIndex` has no loss and no
 * gradient. Float32 arrays are rounded after every operation, float64 not; the reductions sum
 * in double precision and round once.
 *
 * Every backend's kernels take these signatures (registered/cross-entropy.ts); a device kernel
 * gets its storages in place of the arrays and returns storages. The op has checked the labels:
 * each is in [0, C) or `ignoreIndex`.
 */

/** How the losses of the rows are combined. */
export type CrossEntropyReduction = 'mean' | 'sum' | 'none';

/** What cross-entropy's kernels need of the targets. */
export interface CrossEntropyTargets {
  /** The class of each row, int32 [N], checked by the op. */
  readonly labels: Int32Array;
  /** A weight per class, [C] of the logits' dtype, or null for none. */
  readonly weight: FloatArray | null;
  /** A label equal to this adds no loss and no gradient. */
  readonly ignoreIndex: number;
  readonly reduction: CrossEntropyReduction;
}

const identity = (v: number) => v;

/** The rounding of `a`'s element type after each operation (none for float64). */
function roundingOf(a: FloatArray): (v: number) => number {
  return a instanceof Float32Array ? Math.fround : identity;
}

/**
 * The log-probabilities and the loss of logits `x` of `shape` [N, C]: one value, or [N] per-row
 * losses (0 for an ignored row) for reduction 'none'; both arrays of x's kind.
 */
export function crossEntropyForward(
  x: FloatArray,
  shape: readonly number[],
  targets: CrossEntropyTargets,
): { logp: FloatArray; loss: FloatArray } {
  const { labels, weight, ignoreIndex, reduction } = targets;
  const [rows, classes] = shape;
  const round = roundingOf(x);
  const make = (n: number) => (x instanceof Float32Array ? new Float32Array(n) : new Float64Array(n));
  const logp = make(rows * classes);
  const losses = make(rows);
  let total = 0;
  let denominator = 0;
  for (let i = 0, start = 0; i < rows; i++, start += classes) {
    let top = x[start];
    for (let j = 1; j < classes; j++) {
      const v = x[start + j];
      // NaN wins, as in PyTorch's max.
      if (v > top || Number.isNaN(v)) top = v;
    }
    let sum = 0;
    for (let j = 0; j < classes; j++) sum = round(sum + round(Math.exp(round(x[start + j] - top))));
    const shift = round(top + round(Math.log(sum)));
    for (let j = 0; j < classes; j++) logp[start + j] = round(x[start + j] - shift);
    const label = labels[i];
    if (label === ignoreIndex) continue;
    const w = weight === null ? 1 : weight[label];
    losses[i] = weight === null ? -logp[start + label] : round(-logp[start + label] * w);
    total += losses[i];
    denominator += w;
  }
  if (reduction === 'none') return { logp, loss: losses };
  const loss = make(1);
  loss[0] = reduction === 'mean' ? total / denominator : total;
  return { logp, loss };
}

/**
 * dx of logits [N, C] (`shape`) from the forward's `logp` and the loss's gradient `gloss` (one
 * value, or [N] for reduction 'none'), in a new array of logp's kind.
 */
export function crossEntropyBackward(
  gloss: FloatArray,
  logp: FloatArray,
  shape: readonly number[],
  targets: CrossEntropyTargets,
): FloatArray {
  const { labels, weight, ignoreIndex, reduction } = targets;
  const [rows, classes] = shape;
  const round = roundingOf(logp);
  const dx =
    logp instanceof Float32Array ? new Float32Array(rows * classes) : new Float64Array(rows * classes);
  let denominator = 0;
  if (reduction === 'mean') {
    for (let i = 0; i < rows; i++) {
      if (labels[i] !== ignoreIndex) denominator += weight === null ? 1 : weight[labels[i]];
    }
  }
  // -g / W for 'mean', -g for 'sum': the same for every row before its class weight.
  const shared = reduction === 'mean' ? -round(gloss[0] / denominator) : -gloss[0];
  for (let i = 0, start = 0; i < rows; i++, start += classes) {
    const label = labels[i];
    if (label === ignoreIndex) continue;
    const g = reduction === 'none' ? -gloss[i] : shared;
    const d = weight === null ? g : round(g * weight[label]);
    for (let j = 0; j < classes; j++) {
      dx[start + j] = round((j === label ? d : 0) - round(round(Math.exp(logp[start + j])) * d));
    }
  }
  return dx;
}
