import {
  checkBroadcastable,
  checkInteger,
  checkOptions,
  checkTensor,
  describe,
  formatShape,
  sparseSoftmaxCrossEntropy,
  Tensor,
  tensor,
} from '@fovea/tensor';
import { logSoftmax } from './activation.js';

/** How a loss combines its per-element values: their mean, their sum, or none (all of them). */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * The reduction, checked: throws PyTorch's error for anything but `'mean'`, `'sum'` or `'none'`.
 *
 * @param reduction - What the caller passed.
 */
export function checkReduction(reduction: unknown, op = 'reduction'): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    // PyTorch's words ("... is not a valid value for reduction"), after the caller's name.
    throw new Error(
      `${op}: ${typeof reduction === 'string' ? reduction : describe(reduction)} is not a valid value for reduction (expected 'mean', 'sum' or 'none')`,
    );
  }
  return reduction;
}

function reduce(values: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? values : reduction === 'sum' ? values.sum() : values.mean();
}

/** The optional argument of the losses, PyTorch's `reduction`. */
export interface ReductionOptions {
  /** `'mean'` (the default) of the per-element losses, their `'sum'`, or `'none'` (all of them). */
  reduction?: Reduction;
}

/**
 * `F.mse_loss`: the squared differences, reduced (target broadcasts against input, as in PyTorch).
 *
 * @param input - Predictions, any shape.
 * @param target - Targets, broadcastable to `input`.
 * @param options - `reduction`: `'mean'` (default), `'sum'` or `'none'`.
 * @returns A scalar, or the squared differences with `'none'`.
 *
 * @example
 * ```ts
 * import { functional as F } from '@fovea/nn';
 * import { tensor } from '@fovea/tensor';
 *
 * String(F.mseLoss(tensor([1, 2, 3]), tensor([1, 2, 5]))); // 'tensor(1.3333)'
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = checkReduction(checkOptions('mse_loss', options).reduction ?? 'mean', 'mse_loss');
  checkBroadcastable(
    'mse_loss',
    checkTensor('mse_loss', 'input', input).shape,
    checkTensor('mse_loss', 'target', target).shape,
  );
  return reduce(input.sub(target).square(), reduction);
}

/** The optional arguments of `crossEntropy` and `CrossEntropyLoss`, as PyTorch's keywords camelCased. */
export interface CrossEntropyOptions extends ReductionOptions {
  /**
   * A rescaling weight for each class ([C], the input's dtype). With class indices the mean is
   * divided by the sum of the weights of the counted targets, as in PyTorch.
   */
  weight?: Tensor | null;
  /** Targets equal to this class index contribute nothing, neither to the sum nor to the mean's count. */
  ignoreIndex?: number;
  /** Mixes the target with the uniform distribution over classes: (1 - s) one-hot + s / C. */
  labelSmoothing?: number;
}

/**
 * The class weights shaped to broadcast along the input's class dimension ([C] for a 1-D input,
 * [1, C, 1, ...] otherwise), or null without weights.
 */
function classWeights(weight: unknown, input: Tensor, classDim: number): Tensor | null {
  if (weight === undefined || weight === null) return null;
  const classes = input.shape[classDim];
  if (!(weight instanceof Tensor)) {
    throw new TypeError(
      `cross_entropy: weight should be a Tensor of ${classes} class weights, got ${typeof weight}`,
    );
  }
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new Error(
      `cross_entropy: weight should have one value for each of the ${classes} classes, got weight of shape ${formatShape(weight.shape)} (input ${formatShape(input.shape)})`,
    );
  }
  if (weight.dtype !== input.dtype) {
    throw new Error(
      `cross_entropy: weight has dtype ${weight.dtype} but input has dtype ${input.dtype} (weight ${formatShape(weight.shape)}, input ${formatShape(input.shape)}); they must match`,
    );
  }
  return weight.reshape(input.shape.map((d, i) => (i === classDim ? d : 1)));
}

/**
 * `F.cross_entropy` on logits `input` ([C], [N, C] or [N, C, d1, ...]) and either class
 * indices (int32, the input's shape without the class dimension) or class probabilities (the
 * input's shape). With class indices and smoothing s over C classes, as PyTorch computes it:
 * loss = (1 - s) nll + (s / C) sum_c(-log p_c), the mean taken over non-ignored targets.
 * With class weights w (PyTorch 1.13): nll = -w_y log p_y, the smoothing term
 * sum_c(-w_c log p_c), and the mean of both divided by the sum of w_y over counted targets;
 * with class probabilities q, loss = -sum_c(w_c q_c log p_c), the mean taken over samples.
 *
 * @param input - Logits: `[C]`, `[N, C]` or `[N, C, d1, ...]`.
 * @param target - Class indices (int32, `input`'s shape without `C`) or class probabilities
 * (`input`'s shape).
 * @param options - `reduction` (`'mean'`), `weight` (per-class weights, none), `ignoreIndex`
 * (-100) and `labelSmoothing` (0).
 * @returns A scalar, or the per-sample losses with `'none'`.
 *
 * @example
 * ```ts
 * import { functional as F } from '@fovea/nn';
 * import { tensor } from '@fovea/tensor';
 *
 * const logits = tensor([[2, 0, 0], [0, 0, 2]]);
 * String(F.crossEntropy(logits, tensor([0, 2], { dtype: 'int32' }))); // 'tensor(0.2395)'
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkTensor('cross_entropy', 'input', input);
  checkTensor('cross_entropy', 'target', target);
  options = checkOptions('cross_entropy', options);
  const reduction = checkReduction(options.reduction ?? 'mean', 'cross_entropy');
  const { ignoreIndex = -100, labelSmoothing = 0 } = options;
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new Error(
      `cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: ${describe(labelSmoothing)}`,
    );
  }
  checkInteger('cross_entropy', 'ignoreIndex', ignoreIndex);
  if (input.dtype !== 'float32' && input.dtype !== 'float64') {
    throw new Error(
      `cross_entropy: expected floating point logits, got ${input.dtype} ${formatShape(input.shape)}`,
    );
  }
  if (input.ndim === 0)
    throw new Error('cross_entropy: expected input with a class dimension, got a 0-d tensor');
  const classDim = input.ndim === 1 ? 0 : 1;
  const classes = input.shape[classDim];
  const weight = classWeights(options.weight, input, classDim);
  const constantWeight =
    options.weight == null || (options.weight.device === input.device && !options.weight.requiresGrad);
  if (
    target.dtype === 'int32' &&
    input.ndim === 2 &&
    target.ndim === 1 &&
    target.shape[0] === input.shape[0] &&
    target.device === 'cpu' &&
    labelSmoothing === 0 &&
    constantWeight
  ) {
    // Class indices on [N, C] logits: one op each way on every backend (log-softmax and nll fused,
    // as PyTorch's kernel), its kernels the registry's for the logits' device.
    return sparseSoftmaxCrossEntropy(input, target, {
      reduction,
      ignoreIndex,
      weight: options.weight ?? null,
    });
  }
  const logp = logSoftmax(input, classDim);
  const weighted = (t: Tensor) => (weight === null ? t : t.mul(weight));

  if (target.dtype === 'float32' || target.dtype === 'float64') {
    if (formatShape(target.shape) !== formatShape(input.shape)) {
      throw new Error(
        `cross_entropy: class-probability targets must have the input's shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}`,
      );
    }
    const smoothed =
      labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / classes) : target;
    const losses = logp.mul(weighted(smoothed)).sum(classDim).neg();
    if (reduction === 'none') return losses;
    const total = losses.sum();
    return reduction === 'sum' ? total : total.div(input.numel / classes);
  }

  if (target.dtype !== 'int32') {
    throw new Error(
      `cross_entropy: expected int32 class indices or float class probabilities, got ${target.dtype}`,
    );
  }
  const expected = input.shape.filter((_, i) => i !== classDim);
  if (formatShape(target.shape) !== formatShape(expected)) {
    throw new Error(
      `cross_entropy: expected target size ${formatShape(expected)} for input ${formatShape(input.shape)}, got ${formatShape(target.shape)}`,
    );
  }
  // One-hot of the targets in the input's layout [N, C, S] (S the positions per sample), and a
  // mask of the targets that count.
  const labels = target.dataSync();
  const positions = input.ndim <= 2 ? 1 : expected.slice(1).reduce((a, b) => a * b, 1);
  const oneHot = new Float64Array(input.numel);
  const valid = new Float64Array(labels.length);
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === ignoreIndex) continue;
    if (label < 0 || label >= classes) throw new Error(`Target ${label} is out of bounds.`);
    const sample = Math.floor(i / positions);
    const position = i % positions;
    oneHot[(sample * classes + label) * positions + position] = 1;
    valid[i] = 1;
    count++;
  }
  const dtype = input.dtype === 'float64' ? 'float64' : 'float32';
  // The weight of each target's class where it counts, zero elsewhere.
  const picked = weighted(tensor(oneHot, { dtype, device: input.device }).reshape(input.shape));
  const nll = logp.mul(picked).sum(classDim).neg();
  const denominator = weight === null ? count : picked.sum();
  const reduceValid = (values: Tensor) =>
    reduction === 'none' ? values : reduction === 'sum' ? values.sum() : values.sum().div(denominator);
  const loss = reduceValid(nll);
  if (labelSmoothing === 0) return loss;
  const smooth = weighted(logp)
    .sum(classDim)
    .neg()
    .mul(tensor(valid, { dtype, device: input.device }).reshape(target.shape));
  return loss.mul(1 - labelSmoothing).add(reduceValid(smooth).mul(labelSmoothing / classes));
}
