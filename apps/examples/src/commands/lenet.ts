import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataLoader } from '@fovea/data';
import { save } from '@fovea/nn';
import { Adam, SGD } from '@fovea/optim';
import { formatTable } from '@fovea/receptive-field';
import { Generator, getNumThreads, manualSeed, setNumThreads, type Tensor } from '@fovea/tensor';
import {
  type Command,
  intOption,
  positiveOption,
  SEED_OPTION,
  seedOption,
  UsageError,
  type Values,
} from '../lib/cli.js';
import { firstSamples, loadFashionMnist } from '../lib/fashion-mnist.js';
import { type Activation, accuracy, lenet, type Pool, trainEpoch, xavierInit } from '../lib/lenet.js';
import { predictImage } from '../lib/lenet-predict.js';
import { defaultOutputDir, userPath } from '../lib/paths.js';
import { progress } from '../lib/progress.js';
import { modelReceptiveField } from '../lib/receptive.js';
import { epochCurvesSvg } from '../lib/svg.js';

export interface LenetOptions {
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  activation: Activation;
  pool: Pool;
  optimizer: 'sgd' | 'adam';
  out: string;
  data?: string;
  trainImages?: number;
  testImages?: number;
}

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  imagesPerSecond: number;
}

const fixed = (v: number, digits = 3) => v.toFixed(digits);

/**
 * d2l's LeNet on Fashion-MNIST (`train_ch6`: Xavier init, cross-entropy, SGD with lr 0.9,
 * batch 256, 10 epochs), on @fovea/data's loader with a seeded shuffle: the same seed and
 * thread count give the same numbers.
 */
export function trainLenet(options: LenetOptions): EpochLog[] {
  const { epochs, batch, lr, seed, out } = options;
  const data = loadFashionMnist('lenet', options.data);
  console.log(`data: ${data.description}`);
  const train = firstSamples(data.train, options.trainImages);
  const test = firstSamples(data.test, options.testImages);
  manualSeed(seed);
  const model = lenet(options);
  xavierInit(model);
  const optimizer =
    options.optimizer === 'adam' ? new Adam(model.parameters(), { lr }) : new SGD(model.parameters(), { lr });
  const trainLoader = new DataLoader(train, {
    batchSize: batch,
    shuffle: true,
    generator: new Generator(seed),
  });
  const testLoader = new DataLoader(test, { batchSize: batch });
  console.log(String(model));
  console.log(
    `training on ${train.length} images, testing on ${test.length}: ${epochs} epochs, batch ${batch}, ${options.optimizer === 'adam' ? 'Adam' : 'SGD'} lr ${lr}, seed ${seed}, ${getNumThreads()} thread(s)`,
  );

  const log: EpochLog[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const bar = progress(`epoch ${epoch}/${epochs}`, trainLoader.length);
    const result = trainEpoch(model, trainLoader as Iterable<[Tensor, Tensor]>, optimizer, (step, loss) =>
      bar.update(step, loss),
    );
    bar.stop();
    const testAccuracy = accuracy(model, testLoader as Iterable<[Tensor, Tensor]>);
    const entry = {
      epoch,
      trainLoss: result.trainLoss,
      trainAccuracy: result.trainAccuracy,
      testAccuracy,
      imagesPerSecond: result.images / result.seconds,
    };
    log.push(entry);
    console.log(
      `epoch ${epoch}: train loss ${fixed(entry.trainLoss)}, train acc ${fixed(entry.trainAccuracy)}, test acc ${fixed(testAccuracy)}, ${Math.round(entry.imagesPerSecond)} images/s (${result.seconds.toFixed(1)} s)`,
    );
  }

  mkdirSync(out, { recursive: true });
  const files = { curves: join(out, 'lenet.svg'), checkpoint: join(out, 'lenet.safetensors') };
  const curves = [
    { name: 'train loss', values: log.map((e) => e.trainLoss), color: '#1f77b4' },
    { name: 'train acc', values: log.map((e) => e.trainAccuracy), color: '#bf00bf', dashed: true },
    { name: 'test acc', values: log.map((e) => e.testAccuracy), color: '#2ca02c', dashed: true },
  ];
  writeFileSync(
    files.curves,
    epochCurvesSvg(curves, `LeNet on Fashion-MNIST (${options.activation}, ${options.pool} pooling)`),
  );
  save(model.stateDict(), files.checkpoint, {
    metadata: { model: 'lenet', activation: options.activation, pool: options.pool },
  });
  const last = log[log.length - 1];
  if (last !== undefined) {
    console.log(
      `final: train loss ${fixed(last.trainLoss)}, train acc ${fixed(last.trainAccuracy)}, test acc ${fixed(last.testAccuracy)}`,
    );
  }
  console.log(`wrote ${files.curves} (train loss, train accuracy and test accuracy per epoch)`);
  console.log(
    `wrote ${files.checkpoint} (keys of PyTorch's nn.Sequential LeNet: ${Object.keys(model.stateDict()).join(', ')})`,
  );
  const { result, traced } = modelReceptiveField(model, [1, 1, 28, 28]);
  console.log(
    `receptive field of the trained network (${traced ? 'receptiveField, traced' : 'analyzeLayers'}):`,
  );
  console.log(formatTable(result));
  return log;
}

function choice<T extends string>(
  name: string,
  value: string | boolean | undefined,
  allowed: readonly T[],
): T {
  if (value === undefined) return allowed[0];
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new UsageError(`lenet: --${name} must be one of ${allowed.join(', ')}, got '${String(value)}'`);
  }
  return value as T;
}

const TRAIN_ONLY = [
  'epochs',
  'batch',
  'lr',
  'seed',
  'activation',
  'pool',
  'optimizer',
  'train-images',
  'test-images',
];

export const lenetCommand: Command = {
  name: 'lenet',
  summary: "d2l's LeNet on Fashion-MNIST: train (curves, checkpoint, receptive fields) or --predict an image",
  usage: `Usage: pnpm examples lenet [--epochs N] [--batch N] [--lr R] [--threads N] [--data DIR] [--seed N]
                           [--activation sigmoid|relu] [--pool avg|max] [--optimizer sgd|adam] [--out DIR]
       pnpm examples lenet --predict IMAGE [--checkpoint FILE]

Trains LeNet as Dive into Deep Learning does (section 7.6): sigmoid, average pooling, Xavier
initialisation, cross-entropy, SGD with lr 0.9, batch 256, 10 epochs, on Fashion-MNIST shuffled
by a seeded generator (same seed and threads, same numbers). Shows a progress bar per epoch with
the running loss, then the train loss, train accuracy, test accuracy and images per second;
at the end writes to DIR:

  lenet.svg            train loss, train accuracy and test accuracy per epoch
  lenet.safetensors    the weights, with the keys of PyTorch's nn.Sequential LeNet (0.weight, ...)

and prints the receptive-field table of the trained network.

Data: --data DIR, else $FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist (Debian's
dataset-fashion-mnist), else the subset that ships with the app (5000 train, 1000 test images);
the output says which.

With --predict, classifies a PNG, JPEG or WebP image with a saved checkpoint: the image is made
grayscale, fitted into 28 x 28 and, when its background is light (a photo of an object on a pale
ground), inverted to Fashion-MNIST's light-on-black.

Options:
  --epochs N               epochs (default 10)
  --batch N                images per step (default 256)
  --lr R                   learning rate (default 0.9 for SGD, 0.001 for Adam)
  --threads N              WebAssembly threads (default: every core)
  --data DIR               folder with the four Fashion-MNIST files (gzip or raw)
  --seed N                 seed of the initial weights and of the shuffle (default 0)
  --activation A           sigmoid (default, d2l) or relu
  --pool P                 avg (default, d2l) or max
  --optimizer O            sgd (default, d2l) or adam
  --train-images N         train on the first N training images only
  --test-images N          test on the first N test images only
  --out DIR                output folder (default test-output/examples/lenet)
  --predict IMAGE          classify IMAGE instead of training
  --checkpoint FILE        the weights --predict uses (default <out>/lenet.safetensors)`,
  options: {
    ...SEED_OPTION,
    epochs: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    threads: { type: 'string' },
    data: { type: 'string' },
    activation: { type: 'string' },
    pool: { type: 'string' },
    optimizer: { type: 'string' },
    'train-images': { type: 'string' },
    'test-images': { type: 'string' },
    out: { type: 'string' },
    predict: { type: 'string' },
    checkpoint: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run(values: Values) {
    if (values.threads !== undefined) setNumThreads(intOption('lenet', 'threads', values.threads, 1, 1));
    const out = values.out === undefined ? defaultOutputDir('lenet') : userPath(values.out as string);
    if (values.predict !== undefined) {
      const used = TRAIN_ONLY.filter((name) => values[name] !== undefined);
      if (used.length > 0)
        throw new UsageError(`lenet: --${used[0]} is for training; --predict reads a checkpoint`);
      const checkpoint =
        values.checkpoint === undefined
          ? join(out, 'lenet.safetensors')
          : userPath(values.checkpoint as string);
      await predictImage(userPath(values.predict as string), checkpoint);
      return;
    }
    if (values.checkpoint !== undefined) throw new UsageError('lenet: --checkpoint goes with --predict');
    const optimizer = choice('optimizer', values.optimizer, ['sgd', 'adam'] as const);
    trainLenet({
      epochs: intOption('lenet', 'epochs', values.epochs, 10, 1),
      batch: intOption('lenet', 'batch', values.batch, 256, 1),
      lr: positiveOption('lenet', 'lr', values.lr, optimizer === 'adam' ? 0.001 : 0.9),
      seed: seedOption('lenet', values),
      activation: choice('activation', values.activation, ['sigmoid', 'relu'] as const),
      pool: choice('pool', values.pool, ['avg', 'max'] as const),
      optimizer,
      out,
      data: values.data as string | undefined,
      trainImages:
        values['train-images'] === undefined
          ? undefined
          : intOption('lenet', 'train-images', values['train-images'], 0, 1),
      testImages:
        values['test-images'] === undefined
          ? undefined
          : intOption('lenet', 'test-images', values['test-images'], 0, 1),
    });
  },
};
