/// <reference lib="webworker" />
// Trains LeNet on Fashion-MNIST off the page's thread: the page (components/LenetTrainer.vue)
// starts, stops and continues it, and gets a point of the plot and the first layer's kernels
// every POINT_EVERY steps (lenet-protocol.ts).
import { DataLoader, decompress, FashionMNIST } from '@fovea/data';
import { correctCount, lenet, xavierInit } from '@fovea/examples/lenet';
import { CrossEntropyLoss, type Module } from '@fovea/nn';
import { Adam, SGD } from '@fovea/optim';
import { Generator, getBackend, manualSeed, noGrad, setBackend, type Tensor } from '@fovea/tensor';
import {
  EVALUATE_EVERY,
  type Fallback,
  type FromWorker,
  POINT_EVERY,
  type ToWorker,
  type TrainPoint,
  type TrainSettings,
} from './lenet-protocol';

type Dataset = ReturnType<typeof FashionMNIST.fromBytes>;
type Device = Tensor['device'];

interface Training {
  settings: TrainSettings;
  device: Device;
  model: Module;
  optimizer: SGD | Adam;
  batches: Iterator<[Tensor, Tensor]>;
  step: number;
  epoch: number;
  /** Whether it should go on; `looping` whether its loop is still turning. */
  running: boolean;
  looping: boolean;
  /** Sums over the steps since the last point. */
  window: { loss: number; right: number; images: number; steps: number; since: number };
}

const post = (message: FromWorker) => postMessage(message);
const lossFn = new CrossEntropyLoss();
let data: { train: Dataset; test: Dataset; url: string } | null = null;
let training: Training | null = null;

async function load(url: string): Promise<{ train: Dataset; test: Dataset }> {
  if (data?.url === url) return data;
  const fetchBytes = async (name: string) => {
    const response = await fetch(`${url}${name}`);
    if (!response.ok) throw new Error(`could not fetch ${url}${name}: HTTP ${response.status}`);
    // A server that sends the file with Content-Encoding: gzip hands over raw bytes, which
    // decompress returns as they are.
    return decompress(new Uint8Array(await response.arrayBuffer()));
  };
  const split = async (split: 'train' | 'test', prefix: string) =>
    FashionMNIST.fromBytes(
      {
        images: await fetchBytes(`${prefix}-images-idx3-ubyte.gz`),
        labels: await fetchBytes(`${prefix}-labels-idx1-ubyte.gz`),
      },
      { split },
    );
  data = { train: await split('train', 'train'), test: await split('test', 't10k'), url };
  post({ type: 'loaded', train: data.train.length, test: data.test.length });
  return data;
}

function epochBatches(train: Dataset, settings: TrainSettings, epoch: number): Iterator<[Tensor, Tensor]> {
  const loader = new DataLoader(train, {
    batchSize: settings.batchSize,
    shuffle: true,
    generator: new Generator(settings.seed + epoch),
  });
  return (loader as Iterable<[Tensor, Tensor]>)[Symbol.iterator]();
}

/** A fresh model, seeded, on `device`, and its optimizer. */
function newTraining(settings: TrainSettings, device: Device, train: Dataset): Training {
  manualSeed(settings.seed);
  const model = lenet({
    activation: settings.architecture === 'relu' ? 'relu' : 'sigmoid',
    pool: settings.architecture === 'relu' ? 'max' : 'avg',
  });
  xavierInit(model);
  // The optimizer is built after the move, on the parameters where they now live.
  model.to(device);
  const optimizer =
    settings.optimizer === 'sgd'
      ? new SGD(model.parameters(), { lr: 0.9 })
      : new Adam(model.parameters(), { lr: 0.001 });
  return {
    settings,
    device,
    model,
    optimizer,
    batches: epochBatches(train, settings, 0),
    step: 0,
    epoch: 1,
    running: true,
    looping: false,
    window: { loss: 0, right: 0, images: 0, steps: 0, since: performance.now() },
  };
}

async function trainStep(t: Training, train: Dataset): Promise<void> {
  let next = t.batches.next();
  if (next.done) {
    t.batches = epochBatches(train, t.settings, t.epoch);
    t.epoch++;
    next = t.batches.next();
  }
  const [images, labels] = next.value as [Tensor, Tensor];
  t.optimizer.zeroGrad();
  const logits = t.model.forward(images.to(t.device)) as Tensor;
  const loss = lossFn.forward(logits, labels);
  loss.backward();
  t.optimizer.step();
  const [value] = await loss.dataAsync();
  const host = await logits.detach().cpu();
  t.window.loss += value * labels.shape[0];
  t.window.right += noGrad(() => correctCount(host, labels));
  t.window.images += labels.shape[0];
  t.window.steps++;
  t.step++;
}

async function testAccuracy(t: Training, test: Dataset): Promise<number> {
  t.model.eval();
  let right = 0;
  for (const [images, labels] of new DataLoader(test, { batchSize: 500 }) as Iterable<[Tensor, Tensor]>) {
    const logits = noGrad(() => t.model.forward(images.to(t.device)) as Tensor);
    right += correctCount(await logits.cpu(), labels);
  }
  t.model.train();
  return right / test.length;
}

async function report(t: Training, test: Dataset): Promise<void> {
  const w = t.window;
  const point: TrainPoint = {
    step: t.step,
    epoch: t.epoch,
    loss: w.loss / w.images,
    trainAccuracy: w.right / w.images,
    testAccuracy: t.step % EVALUATE_EVERY === 0 ? await testAccuracy(t, test) : null,
  };
  const weight = t.model.namedParameters()[0][1];
  const kernels = { shape: [...weight.shape], values: Float32Array.from(await weight.dataAsync()) };
  const stepsPerSecond = (1000 * w.steps) / (performance.now() - w.since);
  post({ type: 'progress', point, kernels, stepsPerSecond });
  t.window = { loss: 0, right: 0, images: 0, steps: 0, since: performance.now() };
}

// A zero-delay yield to the worker's message queue, so Stop is seen between two steps (nested
// timers would be clamped to 4 ms each).
const channel = new MessageChannel();
const yieldToMessages = () =>
  new Promise<void>((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

/** Trains until stopped; a failure on the GPU restarts the run on the CPU, saying why. */
async function run(t: Training): Promise<void> {
  const { train, test } = data!;
  t.looping = true;
  try {
    while (training === t && t.running) {
      await trainStep(t, train);
      if (t.step % POINT_EVERY === 0) await report(t, test);
      await yieldToMessages();
    }
    if (training === t) post({ type: 'stopped', step: t.step });
  } catch (error) {
    if (training !== t) return;
    const message = error instanceof Error ? error.message : String(error);
    if (t.device !== 'webgpu') {
      post({ type: 'error', message });
      return;
    }
    useCpu({ stage: 'train', message });
    training = newTraining(t.settings, 'cpu', train);
    await run(training);
  } finally {
    t.looping = false;
  }
}

function useCpu(fallback: Fallback | null): void {
  setBackend('wasm');
  post({ type: 'backend', backend: getBackend(), fallback });
}

async function start(settings: TrainSettings): Promise<void> {
  training = null;
  const { train } = await load(settings.dataUrl);
  let device: Device = 'cpu';
  if (settings.backend === 'webgpu') {
    try {
      await setBackend('webgpu');
      device = 'webgpu';
      post({ type: 'backend', backend: 'webgpu', fallback: null });
    } catch (error) {
      useCpu({ stage: 'open', message: (error as Error).message });
    }
  } else {
    useCpu(null);
  }
  try {
    training = newTraining(settings, device, train);
  } catch (error) {
    if (device !== 'webgpu') throw error;
    useCpu({ stage: 'train', message: (error as Error).message });
    training = newTraining(settings, 'cpu', train);
  }
  await run(training);
}

addEventListener('message', (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  const fail = (error: unknown) =>
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  if (message.type === 'start') start(message.settings).catch(fail);
  else if (message.type === 'stop' && training) training.running = false;
  else if (message.type === 'continue' && training) {
    training.running = true;
    if (!training.looping) run(training).catch(fail);
  }
});
