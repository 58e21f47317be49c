import { DataLoader, FashionMNIST } from '@fovea/data';
import { CrossEntropyLoss } from '@fovea/nn';
import { SGD } from '@fovea/optim';
import { Generator, manualSeed, setBackend, type Tensor } from '@fovea/tensor';
import {
  BATCH,
  dataDir,
  type EpochTiming,
  LR,
  lenet,
  torchMissing,
  torchRun,
  warmEpoch,
} from '../lenet-fashion.js';

/**
 * d2l's LeNet recipe (lenet-fashion.ts) on the 'webgpu' backend: the model moved with
 * `.to('webgpu')`, each batch with `X.to('webgpu')`, the loss read back every batch (as
 * `loss.item()` does on the CPU). On a hardware adapter: two whole epochs, the warm one compared
 * with PyTorch CPU's on 1 thread (the issue's target: at least 3x). On a software adapter
 * (SwiftShader) only `softwareBatches` batches run, to show that it trains: its time means
 * nothing about GPUs, and no comparison is made.
 */
export async function measureLenetWebGpu(options: {
  software: boolean;
  softwareBatches: number;
  log: (line: string) => void;
}): Promise<{ epoch: EpochTiming; torchSeconds: number | null; note: string }> {
  const { dir, note } = dataDir();
  const train = FashionMNIST.fromDirectory(dir, { split: 'train' });
  const batches = options.software ? options.softwareBatches : Number.POSITIVE_INFINITY;
  options.log(`  data: ${note}, ${train.length} training images`);
  await setBackend('webgpu');
  manualSeed(0);
  const net = lenet().to('webgpu');
  const optimizer = new SGD(net.parameters(), { lr: LR });
  const lossFn = new CrossEntropyLoss();
  const loader = new DataLoader(train, { batchSize: BATCH, shuffle: true, generator: new Generator(0) });
  const epochs: EpochTiming[] = [];
  for (let e = 0; e < (options.software ? 1 : 2); e++) {
    let total = 0;
    let seen = 0;
    let done = 0;
    const start = performance.now();
    for (const [X, y] of loader as Iterable<[Tensor, Tensor]>) {
      if (done++ === batches) break;
      optimizer.zeroGrad();
      const loss = lossFn.forward(net.forward(X.to('webgpu')) as Tensor, y);
      loss.backward();
      optimizer.step();
      total += (await loss.dataAsync())[0] * y.shape[0];
      seen += y.shape[0];
    }
    const seconds = (performance.now() - start) / 1000;
    epochs.push({
      seconds,
      images: seen,
      trainLoss: total / seen,
      rssMB: process.memoryUsage().rss / 2 ** 20,
    });
    options.log(
      `  fovea-webgpu ${options.software ? `${done - 1} batches` : `epoch ${e + 1}`}: ${seconds.toFixed(1)} s, ${seen} images, train loss ${(total / seen).toFixed(3)}`,
    );
  }
  setBackend('wasm');
  const epoch = warmEpoch(epochs);
  if (options.software) {
    return { epoch, torchSeconds: null, note: 'a software adapter: a few batches only, no comparison' };
  }
  const missing = torchMissing();
  if (missing !== null) return { epoch, torchSeconds: null, note: `PyTorch ${missing}` };
  const torch = torchRun(dir, 1, ['epoch', '--epochs', '2']);
  const torchEpoch = warmEpoch(torch.epochs as EpochTiming[]);
  options.log(`  torch-t1 warm epoch: ${torchEpoch.seconds.toFixed(1)} s`);
  return { epoch, torchSeconds: torchEpoch.seconds, note: `PyTorch ${String(torch.torch)} on 1 thread` };
}
