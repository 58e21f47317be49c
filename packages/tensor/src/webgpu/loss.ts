import { formatShape } from '../shape.js';
import { checkArray, checkSameDevice } from './checks.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * log-softmax along one dimension and the negative log-likelihood loss over its output (their
 * composition is cross-entropy), forward and backward, as torch.nn.functional's log_softmax and
 * nll_loss: classes along dim 1 of [N, C], class weights, ignoreIndex, and reduction 'none',
 * 'sum' or 'mean' (the mean divides by the summed weights of the targets not ignored).
 */

/** How a loss reduces its per-sample values: not at all, their sum, or their (weighted) mean. */
export type Reduction = 'none' | 'sum' | 'mean';

// A row is `size` elements `inner` apart; thread i owns the row at (i / inner) * size * inner + i % inner.
const ROW = `
  let start = (i / P.inner) * P.size * P.inner + i % P.inner;`;

const LOG_SOFTMAX: KernelSource = {
  name: 'logSoftmax',
  params: [
    ['size', 'i32'],
    ['inner', 'i32'],
  ],
  buffers: [
    { name: 'x', type: 'f32', access: 'read' },
    { name: 'y', type: 'f32', access: 'read_write' },
  ],
  body: `${ROW}
  var top = x[start];
  for (var k = 1; k < P.size; k++) { top = max(top, x[start + k * P.inner]); }
  var sum = 0.0;
  for (var k = 0; k < P.size; k++) { sum += exp(x[start + k * P.inner] - top); }
  let shift = top + log(sum);
  for (var k = 0; k < P.size; k++) { y[start + k * P.inner] = x[start + k * P.inner] - shift; }`,
};

// d/dx of log_softmax: gx = gy - exp(y) * sum(gy) along the row.
const LOG_SOFTMAX_BACKWARD: KernelSource = {
  name: 'logSoftmaxBackward',
  params: LOG_SOFTMAX.params,
  buffers: [
    { name: 'gy', type: 'f32', access: 'read' },
    { name: 'y', type: 'f32', access: 'read' },
    { name: 'gx', type: 'f32', access: 'read_write' },
  ],
  body: `${ROW}
  var sum = 0.0;
  for (var k = 0; k < P.size; k++) { sum += gy[start + k * P.inner]; }
  for (var k = 0; k < P.size; k++) {
    let at = start + k * P.inner;
    gx[at] = gy[at] - exp(y[at]) * sum;
  }`,
};

const NLL_PARAMS = [
  ['N', 'i32'],
  ['C', 'i32'],
  ['ignoreIndex', 'i32'],
  ['hasWeight', 'i32'],
  ['reduction', 'i32'],
] as const;

const REDUCTION_CODE: Record<Reduction, number> = { none: 0, sum: 1, mean: 2 };

// The weight of sample n's target (0 when ignored); the denominator of 'mean' sums these.
const TARGET_WEIGHT = `
fn targetWeight(n: i32) -> f32 {
  let t = labels[n];
  if (t == P.ignoreIndex) { return 0.0; }
  if (P.hasWeight != 0) { return weight[t]; }
  return 1.0;
}
fn totalWeight() -> f32 {
  var total = 0.0;
  for (var n = 0; n < P.N; n++) { total += targetWeight(n); }
  return total;
}`;

const NLL_BUFFERS = [
  { name: 'labels', type: 'i32', access: 'read' },
  { name: 'weight', type: 'f32', access: 'read' },
] as const;

// One thread: the loss is a short sum over the batch, and the order is the reference's.
const NLL_FORWARD: KernelSource = {
  name: 'nllLoss',
  params: NLL_PARAMS,
  buffers: [
    ...NLL_BUFFERS,
    { name: 'logp', type: 'f32', access: 'read' },
    { name: 'loss', type: 'f32', access: 'read_write' },
  ],
  helpers: TARGET_WEIGHT,
  body: `
  if (P.reduction == 0) {
    for (var n = 0; n < P.N; n++) {
      let t = labels[n];
      if (t == P.ignoreIndex) { loss[n] = 0.0; } else { loss[n] = -targetWeight(n) * logp[n * P.C + t]; }
    }
    return;
  }
  var sum = 0.0;
  for (var n = 0; n < P.N; n++) {
    let t = labels[n];
    if (t != P.ignoreIndex) { sum -= targetWeight(n) * logp[n * P.C + t]; }
  }
  if (P.reduction == 2) { sum = sum / totalWeight(); }
  loss[0] = sum;`,
};

const NLL_BACKWARD: KernelSource = {
  name: 'nllLossBackward',
  params: NLL_PARAMS,
  buffers: [
    ...NLL_BUFFERS,
    { name: 'gloss', type: 'f32', access: 'read' },
    { name: 'glogp', type: 'f32', access: 'read_write' },
  ],
  helpers: TARGET_WEIGHT,
  body: `
  let n = i / P.C;
  let c = i % P.C;
  if (c != labels[n] || c == P.ignoreIndex) { glogp[i] = 0.0; return; }
  var g = gloss[0];
  if (P.reduction == 0) { g = gloss[n]; }
  if (P.reduction == 2) { g = g / totalWeight(); }
  glogp[i] = -targetWeight(n) * g;`,
};

function rowLayout(
  op: string,
  shape: readonly number[],
  dim: number,
): { rows: number; size: number; inner: number } {
  const rank = shape.length;
  const d = dim < 0 ? dim + rank : dim;
  if (!Number.isInteger(d) || d < 0 || d >= rank) {
    throw new Error(`${op}: dim ${dim} is out of range for shape ${formatShape(shape)}`);
  }
  const size = shape[d];
  const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
  return { rows: outer * inner, size, inner };
}

/**
 * log_softmax(x, dim) of a contiguous x, like `torch.nn.functional.log_softmax`.
 *
 * @param x - The input.
 * @param shape - Its shape.
 * @param dim - The dimension normalised over (negative counts from the end).
 * @returns The output, of `shape`.
 */
export function logSoftmax(x: GpuArray, shape: readonly number[], dim: number): GpuArray {
  const op = 'log_softmax';
  checkArray(op, 'input', x, shape);
  const { rows, size, inner } = rowLayout(op, shape, dim);
  const y = x.gpu.zeros(x.length);
  if (size > 0) x.gpu.run(LOG_SOFTMAX, rows, [x, y], [size, inner]);
  return y;
}

/**
 * Gradient of log_softmax from its output y.
 *
 * @param gy - The output's gradient.
 * @param y - The output.
 * @param shape - The shape of both.
 * @param dim - The dimension of the forward.
 * @returns The input's gradient.
 */
export function logSoftmaxBackward(
  gy: GpuArray,
  y: GpuArray,
  shape: readonly number[],
  dim: number,
): GpuArray {
  const op = 'log_softmax backward';
  checkArray(op, 'grad_output', gy, shape);
  checkArray(op, 'output', y, shape);
  checkSameDevice(op, [gy, y]);
  const { rows, size, inner } = rowLayout(op, shape, dim);
  const gx = gy.gpu.zeros(gy.length);
  if (size > 0) gy.gpu.run(LOG_SOFTMAX_BACKWARD, rows, [gy, y, gx], [size, inner]);
  return gx;
}

/** The optional arguments of {@link nllLoss}, as `torch.nn.functional.nll_loss` takes them. */
export interface NllLossOptions {
  /** A weight per class, `[C]`; none by default. */
  readonly weight?: GpuArray | null;
  /** A target value that contributes nothing (and is not counted by 'mean'); -100 by default. */
  readonly ignoreIndex?: number;
  /** `'mean'` (the default), `'sum'` or `'none'`. */
  readonly reduction?: Reduction;
}

/** Checks shared by nll_loss and its backward; returns the kernel parameters. */
function nllSetup(op: string, shape: readonly number[], target: GpuArray, options: NllLossOptions) {
  if (shape.length !== 2)
    throw new Error(`${op}: expected log-probabilities [N, C], got ${formatShape(shape)}`);
  const [N, C] = shape;
  checkArray(op, 'target', target, [N], 'int32');
  const weight = options.weight ?? null;
  if (weight !== null) checkArray(op, 'weight', weight, [C]);
  const reduction = options.reduction ?? 'mean';
  if (!(reduction in REDUCTION_CODE)) {
    throw new Error(
      `${op}: ${String(reduction)} is not a valid value for reduction (expected 'mean', 'sum' or 'none')`,
    );
  }
  const params = [N, C, options.ignoreIndex ?? -100, weight === null ? 0 : 1, REDUCTION_CODE[reduction]];
  return { N, C, weight, reduction, params };
}

/**
 * nll_loss(logp [N, C], target [N] int32): [N] losses for reduction 'none', else one value.
 * Targets outside [0, C) other than ignoreIndex are not checked on the GPU (that needs a read).
 *
 * @param logp - Log-probabilities, `[N, C]`.
 * @param shape - Their shape.
 * @param target - The classes, int32 `[N]`.
 * @param options - `weight`, `ignoreIndex` and `reduction`.
 * @returns The loss.
 */
export function nllLoss(
  logp: GpuArray,
  shape: readonly number[],
  target: GpuArray,
  options: NllLossOptions = {},
): GpuArray {
  const op = 'nll_loss';
  const { N, weight, reduction, params } = nllSetup(op, shape, target, options);
  checkArray(op, 'input', logp, shape);
  checkSameDevice(op, [logp, target, weight]);
  const loss = logp.gpu.zeros(reduction === 'none' ? N : 1);
  logp.gpu.run(NLL_FORWARD, 1, [target, weight, logp, loss], params);
  return loss;
}

/**
 * Gradient of nll_loss with respect to logp [N, C] (`shape`), from the loss's gradient: one
 * value, or [N] for reduction 'none'.
 *
 * @param gloss - The loss's gradient.
 * @param shape - The shape of logp, `[N, C]`.
 * @param target - The classes, int32 `[N]`.
 * @param options - As given to {@link nllLoss}.
 * @returns logp's gradient.
 */
export function nllLossBackward(
  gloss: GpuArray,
  shape: readonly number[],
  target: GpuArray,
  options: NllLossOptions = {},
): GpuArray {
  const op = 'nll_loss backward';
  const { N, C, weight, reduction, params } = nllSetup(op, shape, target, options);
  checkArray(op, 'grad_output', gloss, reduction === 'none' ? [N] : [1]);
  checkSameDevice(op, [gloss, target, weight]);
  const glogp = gloss.gpu.zeros(N * C);
  gloss.gpu.run(NLL_BACKWARD, N * C, [target, weight, gloss, glogp], params);
  return glogp;
}
