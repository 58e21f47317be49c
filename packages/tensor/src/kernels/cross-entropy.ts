import type { FloatArray } from './shape.js';

/**
 * Cross-entropy with class indices over logits [N, C] in one pass each way: log-softmax along
 * the classes and the negative log-likelihood of the targets, as PyTorch's fused
 * `cross_entropy_loss` (log_softmax then nll_loss) computes them. Per row, with m the row's
 * maximum and s = sum_j exp(x_j - m):
 *
 *   logp_j = x_j - (m + log s)                        (PyTorch's _vec_log_softmax_lastdim)
 *   loss   = -logp_t                                  (t the row's target)
 *   dx_j   = d_j - exp(logp_j) * sum_k d_k            (log_softmax_backward_data)
 *
 * where d is nll_loss's backward: d_t = -(g / count) for 'mean', -g for 'sum' (or the row's own
 * g for 'none'), zero elsewhere, so sum_k d_k = d_t. A row whose target is `ignoreIndex` has no
 * loss and no gradient. Float32 arrays are rounded after every operation, float64 not.
 */

/** Where a row's target is out of range: the error the op reports. */
export interface TargetError {
  readonly row: number;
  readonly label: number;
}

/**
 * Writes the log-probabilities to `logp` and each row's loss to `losses` (0 for ignored rows);
 * returns the number of rows that count, or the first target out of range.
 */
export function crossEntropyForward(
  x: FloatArray,
  targets: Int32Array,
  classes: number,
  ignoreIndex: number,
  logp: FloatArray,
  losses: FloatArray,
): number | TargetError {
  const round = x instanceof Float32Array ? Math.fround : (v: number) => v;
  const rows = targets.length;
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const label = targets[i];
    if (label !== ignoreIndex && (label < 0 || label >= classes)) return { row: i, label };
  }
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
    const label = targets[i];
    if (label === ignoreIndex) {
      losses[i] = 0;
    } else {
      losses[i] = -logp[start + label];
      count++;
    }
  }
  return count;
}

/**
 * dx from the forward's `logp` and each row's coefficient `rowGrad[i]` (nll_loss's d_t, already
 * negated and divided; ignored rows are skipped and get zeros).
 */
export function crossEntropyBackward(
  logp: FloatArray,
  targets: Int32Array,
  classes: number,
  ignoreIndex: number,
  rowGrad: FloatArray,
  dx: FloatArray,
): void {
  const round = logp instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let i = 0, start = 0; i < targets.length; i++, start += classes) {
    const label = targets[i];
    if (label === ignoreIndex) {
      dx.fill(0, start, start + classes);
      continue;
    }
    const d = rowGrad[i];
    for (let j = 0; j < classes; j++) {
      dx[start + j] = round((j === label ? d : 0) - round(round(Math.exp(logp[start + j])) * d));
    }
  }
}
