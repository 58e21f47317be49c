import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataLoader } from '@fovea/data';
import { goldenPath } from '@fovea/golden';
import { CrossEntropyLoss, type Module } from '@fovea/nn';
import { exportOnnx, importOnnx } from '@fovea/onnx';
import { Adam, SGD } from '@fovea/optim';
import { Generator, manualSeed, randint, randn, type Tensor } from '@fovea/tensor';
import * as ort from 'onnxruntime-node';
import {
  CliError,
  type Command,
  intOption,
  SEED_OPTION,
  seedOption,
  UsageError,
  type Values,
} from '../lib/cli.js';
import { firstSamples, loadFashionMnist } from '../lib/fashion-mnist.js';
import { correctCount, lenet, trainEpoch, xavierInit } from '../lib/lenet.js';
import { loadLenetCheckpoint } from '../lib/lenet-checkpoint.js';
import { defaultOutputDir, userPath } from '../lib/paths.js';

/** The PyTorch-exported CNN the command fine-tunes unless --model names another. */
const PYTORCH_MODEL = 'onnx/tiny_resnet_bn.onnx';
/** ONNX Runtime and Fovea compute in float32 in different orders. */
const TOLERANCE = 1e-4;

/** Test images the exported model is run on, in Fovea and in ONNX Runtime. */
const TEST_IMAGES = 256;
const BATCH = 32;

/**
 * The LeNet to export: the checkpoint `pnpm examples lenet` saved, when named, else d2l's LeNet
 * in its ReLU and max-pooling form trained here with Adam for `steps` batches of Fashion-MNIST.
 */
function lenetToExport(options: OnnxOptions, train: Parameters<typeof firstSamples>[0]): Module {
  if (options.checkpoint !== undefined) {
    const { model, architecture } = loadLenetCheckpoint(options.checkpoint, 'onnx');
    console.log(
      `LeNet from ${options.checkpoint} (${architecture.activation}, ${architecture.pool} pooling)`,
    );
    return model;
  }
  const model = lenet({ activation: 'relu', pool: 'max' });
  xavierInit(model);
  const images = firstSamples(train, options.steps * BATCH);
  const loader = new DataLoader(images, {
    batchSize: BATCH,
    shuffle: true,
    generator: new Generator(options.seed),
  });
  const optimizer = new Adam(model.parameters(), { lr: 0.003 });
  const result = trainEpoch(model, loader as Iterable<[Tensor, Tensor]>, optimizer);
  console.log(
    `LeNet (ReLU, max pooling) trained for ${loader.length} steps of ${BATCH} images: train loss ${result.trainLoss.toFixed(3)}`,
  );
  model.eval();
  return model;
}

async function runInOnnxRuntime(bytes: Uint8Array, x: Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feed = new ort.Tensor('float32', Float32Array.from(x.dataSync() as Float32Array), [...x.shape]);
    const result = await session.run({ input: feed });
    return result.output.data as Float32Array;
  } finally {
    await session.release();
  }
}

export async function onnxExample(options: OnnxOptions): Promise<void> {
  const { seed, tuneSteps, out, model } = options;
  manualSeed(seed);
  console.log('## Export: a trained LeNet, run in ONNX Runtime');
  const data = loadFashionMnist('onnx', options.data);
  console.log(`data: ${data.description}`);
  const net = lenetToExport(options, data.train);
  const [x, y] = new DataLoader(firstSamples(data.test, TEST_IMAGES), { batchSize: TEST_IMAGES })
    [Symbol.iterator]()
    .next().value as [Tensor, Tensor];
  const expected = net.forward(x) as Tensor;
  const right = correctCount(expected, y);
  console.log(`Fovea accuracy on ${y.shape[0]} test images: ${((100 * right) / y.shape[0]).toFixed(1)}%`);
  const bytes = exportOnnx(net, x, { opset: 17, dynamicBatch: true });
  mkdirSync(out, { recursive: true });
  const file = join(out, 'lenet.onnx');
  writeFileSync(file, bytes);
  console.log(`wrote ${file} (${bytes.length} bytes, opset 17, dynamic batch)`);
  const fromOrt = await runInOnnxRuntime(bytes, x);
  const ours = expected.dataSync() as Float32Array;
  const worst = Math.max(...ours.map((v, i) => Math.abs(v - fromOrt[i])));
  console.log(`onnxruntime-node vs Fovea: largest |difference| of the logits ${worst.toExponential(2)}`);
  if (!(worst <= TOLERANCE)) {
    throw new CliError(
      `onnx: ONNX Runtime's logits differ from Fovea's by ${worst} (tolerance ${TOLERANCE})`,
    );
  }

  console.log(`\n## Import: ${model} as a trainable Fovea module, fine-tuned for ${tuneSteps} steps`);
  const imported = importOnnx(new Uint8Array(readFileSync(model)));
  const names = imported.namedParameters().map(([name]) => name);
  const count = imported.parameters().reduce((n, p) => n + p.numel, 0);
  console.log(`${names.length} parameters (${count} weights): ${names.slice(0, 6).join(', ')}, ...`);
  const losses = fineTuneImported(imported, tuneSteps);
  console.log(`loss on a fixed batch: ${losses.map((l) => l.toFixed(3)).join(' -> ')}`);
  if (!(losses[losses.length - 1] < losses[0])) {
    throw new CliError('onnx: fine-tuning the imported model did not lower its loss');
  }
}

/**
 * Fine-tunes an imported model on one fixed batch of 16 x 16 inputs (channels read from its first
 * weight), as any module trains; returns the loss before each step and after the last.
 */
function fineTuneImported(model: ReturnType<typeof importOnnx>, steps: number): number[] {
  const channels = model.parameters()[0].shape[1];
  const x = randn([8, channels, 16, 16]);
  model.train();
  const classes = (model.forward(x) as Tensor).shape[1];
  const y = randint(0, classes, [8]);
  const lossFn = new CrossEntropyLoss();
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let step = 0; step <= steps; step++) {
    const loss = lossFn.forward(model.forward(x) as Tensor, y);
    losses.push(loss.item() as number);
    if (step === steps) break;
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }
  return losses;
}

export interface OnnxOptions {
  seed: number;
  steps: number;
  /** A LeNet checkpoint of `pnpm examples lenet` to export instead of training one. */
  checkpoint?: string;
  /** The Fashion-MNIST folder (see loadFashionMnist). */
  data?: string;
  tuneSteps: number;
  out: string;
  model: string;
}

export const onnxCommand: Command = {
  name: 'onnx',
  summary:
    'export a trained LeNet to ONNX and run it in onnxruntime-node; import and fine-tune a PyTorch ONNX CNN',
  usage: `Usage: pnpm examples onnx [--checkpoint FILE | --steps N] [--data DIR] [--tune-steps N] [--model FILE]
                         [--seed N] [--out DIR]

Moves models between Fovea and ONNX (@fovea/onnx):

  1. exports a trained LeNet with exportOnnx to DIR/lenet.onnx (the checkpoint 'pnpm examples
     lenet' saved, with --checkpoint, else one trained here for N steps on Fashion-MNIST), runs
     that file in onnxruntime-node on 256 test images and checks its logits against Fovea's;
  2. imports an ONNX CNN with importOnnx (by default a small ResNet-style network PyTorch's
     torch.onnx.export wrote, tooling/golden/data/${PYTORCH_MODEL}) and fine-tunes it with SGD on
     one batch of 16 x 16 images, printing the loss.

Options:
  --checkpoint FILE  a LeNet checkpoint of 'pnpm examples lenet' (lenet.safetensors) to export
  --steps N        without --checkpoint: LeNet training steps of 32 images (default 60)
  --data DIR       the Fashion-MNIST files (default $FASHION_MNIST_DIR, Debian's
                   /usr/share/datasets/fashion-mnist, else the embedded subset)
  --tune-steps N   fine-tuning steps of the imported model (default 5)
  --model FILE     the ONNX CNN to import (inputs [N, C, 16, 16])
  --seed N         seed of the weights and the data (default 0)
  --out DIR        output folder (default test-output/examples/onnx)`,
  options: {
    ...SEED_OPTION,
    steps: { type: 'string' },
    checkpoint: { type: 'string' },
    data: { type: 'string' },
    'tune-steps': { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run(values: Values) {
    if (values.checkpoint !== undefined && values.steps !== undefined) {
      throw new UsageError('onnx: --steps trains a LeNet; --checkpoint exports a trained one instead');
    }
    await onnxExample({
      seed: seedOption('onnx', values),
      steps: intOption('onnx', 'steps', values.steps, 60, 1),
      checkpoint: values.checkpoint === undefined ? undefined : userPath(values.checkpoint as string),
      data: values.data as string | undefined,
      tuneSteps: intOption('onnx', 'tune-steps', values['tune-steps'], 5, 1),
      out: values.out === undefined ? defaultOutputDir('onnx') : userPath(values.out as string),
      model: values.model === undefined ? goldenPath(PYTORCH_MODEL) : userPath(values.model as string),
    });
  },
};
