import {
  AvgPool2d,
  Conv2d,
  CrossEntropyLoss,
  Flatten,
  init,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
} from '@fovea/nn';
import { argmax, eq, noGrad, type Tensor } from '@fovea/tensor';

export type Activation = 'sigmoid' | 'relu';
export type Pool = 'avg' | 'max';

export interface LenetArchitecture {
  activation: Activation;
  pool: Pool;
}

/**
 * LeNet-5 as Dive into Deep Learning builds it (section 7.6, "Convolutional Neural Networks
 * (LeNet)"): two 5 x 5 convolutions with 2 x 2 pooling, then three fully connected layers, in
 * an `nn.Sequential` so its state dict has PyTorch's keys (`0.weight`, `3.weight`, `7.weight`...).
 */
export function lenet({ activation, pool }: LenetArchitecture): Sequential {
  const act = () => (activation === 'relu' ? new ReLU() : new Sigmoid());
  const down = () => (pool === 'max' ? new MaxPool2d(2, { stride: 2 }) : new AvgPool2d(2, { stride: 2 }));
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    act(),
    down(),
    new Conv2d(6, 16, 5),
    act(),
    down(),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    act(),
    new Linear(120, 84),
    act(),
    new Linear(84, 10),
  );
}

/** d2l's `train_ch6` initialisation: Xavier-uniform weights for every Linear and Conv2d. */
export function xavierInit(model: Module): void {
  model.apply((m) => {
    if (m instanceof Linear || m instanceof Conv2d) init.xavierUniform_(m.weight);
  });
}

/** How many rows of `logits` [N, 10] pick the label in `labels` [N]. */
export function correctCount(logits: Tensor, labels: Tensor): number {
  return eq(argmax(logits, 1), labels).sum().item() as number;
}

/** d2l's `evaluate_accuracy_gpu`: the share of batches' samples classified right, in eval mode. */
export function accuracy(model: Module, batches: Iterable<[Tensor, Tensor]>): number {
  model.eval();
  let right = 0;
  let total = 0;
  noGrad(() => {
    for (const [X, y] of batches) {
      right += correctCount(model.forward(X) as Tensor, y);
      total += y.shape[0];
    }
  });
  return total === 0 ? 0 : right / total;
}

export interface EpochResult {
  trainLoss: number;
  trainAccuracy: number;
  /** Seconds spent in the epoch's training steps (reading the batches included). */
  seconds: number;
  images: number;
}

/** One epoch of d2l's `train_ch6` loop; `onStep` sees the running mean loss after each batch. */
export function trainEpoch(
  model: Module,
  batches: Iterable<[Tensor, Tensor]>,
  optimizer: { zeroGrad(): void; step(): void },
  onStep: (step: number, runningLoss: number) => void = () => {},
): EpochResult {
  const lossFn = new CrossEntropyLoss();
  model.train();
  let lossSum = 0;
  let right = 0;
  let images = 0;
  let step = 0;
  const start = performance.now();
  for (const [X, y] of batches) {
    optimizer.zeroGrad();
    const logits = model.forward(X) as Tensor;
    const loss = lossFn.forward(logits, y);
    loss.backward();
    optimizer.step();
    const n = y.shape[0];
    lossSum += (loss.item() as number) * n;
    noGrad(() => {
      right += correctCount(logits, y);
    });
    images += n;
    step++;
    onStep(step, lossSum / images);
  }
  const seconds = (performance.now() - start) / 1000;
  return { trainLoss: lossSum / images, trainAccuracy: right / images, seconds, images };
}
