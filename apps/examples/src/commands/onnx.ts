import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenPath } from '@fovea/golden';
import {
  Conv2d,
  CrossEntropyLoss,
  Flatten,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
} from '@fovea/nn';
import { exportOnnx, importOnnx } from '@fovea/onnx';
import { Adam, SGD } from '@fovea/optim';
import { argmax, manualSeed, rand, randint, randn, type Tensor } from '@fovea/tensor';
import * as ort from 'onnxruntime-node';
import { CliError, type Command, intOption, SEED_OPTION, seedOption, type Values } from '../lib/cli.js';
import { defaultOutputDir, userPath } from '../lib/paths.js';

/** The PyTorch-exported CNN the command fine-tunes unless --model names another. */
const PYTORCH_MODEL = 'onnx/tiny_resnet_bn.onnx';
/** ONNX Runtime and Fovea compute in float32 in different orders. */
const TOLERANCE = 1e-4;

/** LeNet-5 in its modern form (ReLU, max pooling), on 28 x 28 images, ten classes. */
function lenet(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    new ReLU(),
    new Linear(120, 84),
    new ReLU(),
    new Linear(84, 10),
  );
}

/**
 * A task LeNet learns in moments: noise with a bright 6 x 6 square in one of ten places, the
 * place being the class.
 */
function squares(count: number): { x: Tensor; y: Tensor } {
  const y = randint(0, 10, [count]);
  const x = rand([count, 1, 28, 28]).mul(0.5);
  const labels = Array.from(y.dataSync());
  labels.forEach((label, i) => {
    const top = 2 + 11 * Math.floor(label / 5);
    const left = 1 + 5 * (label % 5);
    x.slice(i, 0, [top, top + 6], [left, left + 6]).fill_(1);
  });
  return { x, y };
}

function accuracy(logits: Tensor, y: Tensor): number {
  const predicted = argmax(logits, 1).dataSync();
  const labels = y.dataSync();
  return predicted.filter((p, i) => p === labels[i]).length / labels.length;
}

function train(model: Module, steps: number): void {
  const lossFn = new CrossEntropyLoss();
  const optimizer = new Adam(model.parameters(), { lr: 0.003 });
  model.train();
  for (let step = 1; step <= steps; step++) {
    const { x, y } = squares(32);
    const loss = lossFn.forward(model.forward(x) as Tensor, y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    if (step % Math.max(1, Math.floor(steps / 5)) === 0 || step === steps) {
      console.log(`  step ${step}, loss ${(loss.item() as number).toFixed(3)}`);
    }
  }
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

export async function onnxExample({ seed, steps, tuneSteps, out, model }: OnnxOptions): Promise<void> {
  manualSeed(seed);
  console.log(`## Export: a LeNet trained for ${steps} steps, run in ONNX Runtime`);
  const net = lenet();
  train(net, steps);
  net.eval();
  const test = squares(64);
  const expected = net.forward(test.x) as Tensor;
  console.log(`Fovea accuracy on 64 new images: ${(100 * accuracy(expected, test.y)).toFixed(1)}%`);
  const bytes = exportOnnx(net, test.x, { opset: 17, dynamicBatch: true });
  mkdirSync(out, { recursive: true });
  const file = join(out, 'lenet.onnx');
  writeFileSync(file, bytes);
  console.log(`wrote ${file} (${bytes.length} bytes, opset 17, dynamic batch)`);
  const fromOrt = await runInOnnxRuntime(bytes, test.x);
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
  tuneSteps: number;
  out: string;
  model: string;
}

export const onnxCommand: Command = {
  name: 'onnx',
  summary:
    'export a trained LeNet to ONNX and run it in onnxruntime-node; import and fine-tune a PyTorch ONNX CNN',
  usage: `Usage: pnpm examples onnx [--steps N] [--tune-steps N] [--model FILE] [--seed N] [--out DIR]

Moves models between Fovea and ONNX (@fovea/onnx):

  1. trains a LeNet for N steps on a toy task, exports it with exportOnnx to DIR/lenet.onnx, runs
     that file in onnxruntime-node and checks its logits against Fovea's;
  2. imports an ONNX CNN with importOnnx (by default a small ResNet-style network PyTorch's
     torch.onnx.export wrote, tooling/golden/data/${PYTORCH_MODEL}) and fine-tunes it with SGD on
     one batch of 16 x 16 images, printing the loss.

Options:
  --steps N        LeNet training steps (default 60)
  --tune-steps N   fine-tuning steps of the imported model (default 5)
  --model FILE     the ONNX CNN to import (inputs [N, C, 16, 16])
  --seed N         seed of the weights and the data (default 0)
  --out DIR        output folder (default test-output/examples/onnx)`,
  options: {
    ...SEED_OPTION,
    steps: { type: 'string' },
    'tune-steps': { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run(values: Values) {
    await onnxExample({
      seed: seedOption('onnx', values),
      steps: intOption('onnx', 'steps', values.steps, 60, 1),
      tuneSteps: intOption('onnx', 'tune-steps', values['tune-steps'], 5, 1),
      out: values.out === undefined ? defaultOutputDir('onnx') : userPath(values.out as string),
      model: values.model === undefined ? goldenPath(PYTORCH_MODEL) : userPath(values.model as string),
    });
  },
};
