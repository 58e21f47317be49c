// The messages between the LeNet page (components/LenetTrainer.vue) and its worker (lenet-worker.ts).

/** Where the site serves the Fashion-MNIST subset the LeNet page trains on (fashion-mnist.ts). */
export const FASHION_MNIST_PATH = '/data/fashion-mnist/';

/** Where the page asks the worker to train: the CPU (WebAssembly) or the GPU through WebGPU. */
export type BackendChoice = 'cpu' | 'webgpu';

export interface TrainSettings {
  /** d2l's LeNet (sigmoid, average pooling) or its modern variant (ReLU, max pooling). */
  architecture: 'd2l' | 'relu';
  /** Adam with lr 0.001, or d2l's SGD with lr 0.9. */
  optimizer: 'adam' | 'sgd';
  batchSize: number;
  backend: BackendChoice;
  /** The folder (an absolute URL) holding the four Fashion-MNIST `.gz` files. */
  dataUrl: string;
  seed: number;
}

/**
 * Why training left WebGPU: it could not be opened ('open'), or a step failed on it ('train',
 * usually an op with no WebGPU kernel yet, which refuses GPU tensors and names itself).
 */
export interface Fallback {
  stage: 'open' | 'train';
  message: string;
}

export type ToWorker = { type: 'start'; settings: TrainSettings } | { type: 'stop' } | { type: 'continue' };

/** A point of the plot: the means over the steps since the previous point. */
export interface TrainPoint {
  step: number;
  epoch: number;
  loss: number;
  trainAccuracy: number;
  /** Accuracy on the whole test set, measured every `EVALUATE_EVERY` steps, else null. */
  testAccuracy: number | null;
}

/** The first convolution's weight [6, 1, 5, 5], row-major. */
export interface Kernels {
  shape: number[];
  values: Float32Array;
}

export type FromWorker =
  | { type: 'loaded'; train: number; test: number }
  /** The backend training runs on; `fallback` says why WebGPU was asked for but not used. */
  | { type: 'backend'; backend: string; fallback: Fallback | null }
  | { type: 'progress'; point: TrainPoint; kernels: Kernels; stepsPerSecond: number }
  | { type: 'stopped'; step: number }
  | { type: 'error'; message: string };

/** Steps per point of the plot. */
export const POINT_EVERY = 10;
/** Steps between two measurements of the test accuracy. */
export const EVALUATE_EVERY = 50;
