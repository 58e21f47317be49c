import { noGrad } from '@fovea/autograd';
import { checkOptions, checkTensor, ones, type Tensor, tensor, zeros } from '@fovea/tensor';
import { integer } from '../conv/options.js';
import { ones_, zeros_ } from '../init/initializers.js';
import { Module } from '../module/module.js';
import { Parameter } from '../module/parameter.js';
import { pyFloat } from '../module/repr.js';

/** The optional arguments of `BatchNorm2d`, as PyTorch's keywords camelCased. */
export interface BatchNorm2dOptions {
  /** Added to the variance before the square root. */
  eps?: number;
  /** Weight of the newest batch in the running statistics; null for a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale (`weight`) and shift (`bias`). */
  affine?: boolean;
  /** Keep running statistics for evaluation; without them the batch statistics are always used. */
  trackRunningStats?: boolean;
}

/**
 * Batch normalization over [N, C, H, W], like `torch.nn.BatchNorm2d`. Training normalises each
 * channel with the batch mean and the biased variance, and updates the running statistics
 * with the unbiased one: running = (1 - momentum) running + momentum batch. Evaluation uses the
 * running statistics. The buffers keep PyTorch's names (`running_mean`, `running_var`,
 * `num_batches_tracked`) so that state dicts carry PyTorch's keys.
 *
 * Shapes: input and output `[N, C, H, W]`, with `C = numFeatures`. Per channel,
 * `y = (x - mean) / sqrt(var + eps) * weight + bias`.
 *
 * @example
 * ```ts
 * import { BatchNorm2d } from '@fovea/nn';
 * import { randn } from '@fovea/tensor';
 *
 * const bn = new BatchNorm2d(16);
 * bn.forward(randn([4, 16, 8, 8])).shape; // [4, 16, 8, 8]; running_mean moved towards the batch mean
 * bn.eval(); // from now on, the running statistics
 * ```
 */
export class BatchNorm2d extends Module {
  static override readonly moduleName: string = 'BatchNorm2d';

  /** C, the channels of the input. */
  readonly numFeatures: number;
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Weight of the newest batch in the running statistics; null for a cumulative average. */
  momentum: number | null;
  /** Whether the layer has the learnable `weight` and `bias`. */
  readonly affine: boolean;
  /** Whether the layer keeps running statistics for evaluation. */
  readonly trackRunningStats: boolean;
  /** The learnable scale γ, `[C]` (ones at first), or null without `affine`. */
  weight: Parameter | null;
  /** The learnable shift β, `[C]` (zeros at first), or null without `affine`. */
  bias: Parameter | null;
  /** The running mean of each channel (a buffer), or null without `trackRunningStats`. */
  declare running_mean: Tensor | null;
  /** The running (unbiased) variance of each channel (a buffer), or null without `trackRunningStats`. */
  declare running_var: Tensor | null;
  /** How many batches trained the running statistics (an int32 buffer), or null without `trackRunningStats`. */
  declare num_batches_tracked: Tensor | null;

  /**
   * Creates the layer: weight 1, bias 0, running mean 0 and variance 1.
   *
   * @param numFeatures - Channels `C` of the input.
   * @param options - `eps` (1e-5), `momentum` (0.1), `affine` (true), `trackRunningStats` (true).
   */
  constructor(numFeatures: number, options: BatchNorm2dOptions = {}) {
    options = checkOptions('BatchNorm2d', options);
    super();
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = options;
    this.numFeatures = integer(this.getName(), 'num_features', numFeatures, 0);
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    this.registerBuffer('running_mean', trackRunningStats ? zeros([numFeatures]) : null);
    this.registerBuffer('running_var', trackRunningStats ? ones([numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', trackRunningStats ? tensor(0, { dtype: 'int32' }) : null);
  }

  /** Running mean back to 0, variance to 1, and the batch count to 0. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  /** Resets the running statistics, the weight to 1 and the bias to 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  /**
   * Normalises each channel of `input` (see the class description).
   *
   * @param input - `[N, C, H, W]`.
   * @returns The normalised input, same shape.
   */
  override forward(input: Tensor): Tensor {
    checkTensor('BatchNorm2d.forward', 'input', input);
    if (input.ndim !== 4) {
      throw new Error(
        `${this.toString()}: expected 4D input (got ${input.ndim}D input of shape [${input.shape.join(', ')}])`,
      );
    }
    const channels = this.numFeatures;
    if (input.shape[1] !== channels) {
      throw new Error(
        `${this.toString()}: expected input with ${channels} channels, got [${input.shape.join(', ')}]`,
      );
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked !== null) {
      const tracked = this.num_batches_tracked;
      noGrad(() => tracked.add_(1));
      // momentum null: the cumulative average, each batch weighted 1 / (batches so far)
      factor = this.momentum === null ? 1 / Number(tracked.item()) : this.momentum;
    }
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const perChannel = [1, channels, 1, 1];
    let mean: Tensor;
    let variance: Tensor;
    if (useBatchStats) {
      const count = input.numel / channels;
      if (count <= 1) {
        throw new Error(
          `Expected more than 1 value per channel when training, got input size [${input.shape.join(', ')}]`,
        );
      }
      mean = input.mean([0, 2, 3], true);
      variance = input.var([0, 2, 3], { correction: 0, keepdim: true });
      const runningMean = this.running_mean;
      const runningVar = this.running_var;
      if (this.training && this.trackRunningStats && runningMean !== null && runningVar !== null) {
        noGrad(() => {
          runningMean.mul_(1 - factor).add_(mean.detach().reshape([channels]).mul(factor));
          const unbiased = variance
            .detach()
            .reshape([channels])
            .mul(count / (count - 1));
          runningVar.mul_(1 - factor).add_(unbiased.mul(factor));
        });
      }
    } else {
      mean = this.running_mean!.reshape(perChannel);
      variance = this.running_var!.reshape(perChannel);
    }
    let y = input.sub(mean).div(variance.add(this.eps).sqrt());
    if (this.weight !== null) y = y.mul(this.weight.reshape(perChannel));
    if (this.bias !== null) y = y.add(this.bias.reshape(perChannel));
    return y;
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${this.affine ? 'True' : 'False'}, track_running_stats=${this.trackRunningStats ? 'True' : 'False'}`;
  }
}
