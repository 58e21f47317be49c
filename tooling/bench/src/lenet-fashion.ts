import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataLoader, type FashionMNIST } from '@fovea/data';
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
import { SGD } from '@fovea/optim';
import { Generator, manualSeed, type Tensor } from '@fovea/tensor';
import { median } from './timing.js';

/**
 * d2l's LeNet recipe on Fashion-MNIST (section 7.6: sigmoid, average pooling, Xavier-uniform
 * init, cross-entropy, SGD lr 0.9, batch 256), Fovea against PyTorch CPU in the same run. An
 * epoch is timed from the first batch read to the last optimizer step, data loading included
 * on both sides (@fovea/data's DataLoader; torch.utils.data's, python/lenet_torch.py); a step
 * is zero_grad, forward, loss, backward, SGD step and reading the loss, on a fixed batch.
 */

const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';
const SUBSET_DIR = fileURLToPath(new URL('../../../apps/examples/assets/fashion-mnist', import.meta.url));
const TORCH_SCRIPT = fileURLToPath(new URL('../python/lenet_torch.py', import.meta.url));
const FOVEA_CHILD = fileURLToPath(new URL('./lenet/fovea-child.ts', import.meta.url));
const PYTHON = '/usr/bin/python3';
/**
 * Seconds of warm-up steps before a batch size is timed, and the least time one repetition
 * times (as many steps as fit, at least one: the repetition's time is their mean);
 * python/lenet_torch.py uses the same. With a second of warm-up and one step a repetition, the
 * median of 9 read 0.89-2.25 ms for batch 1 on 2 threads across six processes, against
 * 0.93-0.97 over 200 steps: V8 was still compiling the step's functions on the two cores
 * (TurboFan, 27 ms of work each, at 1.9 s), and slow steps came in bursts of ten or twenty.
 */
const WARM_UP_SECONDS = 3;
const REP_SECONDS = 0.1;
export const STEP_BATCHES = [1, 16, 64, 256, 1024] as const;
export const BATCH = 256;
export const LR = 0.9;

export interface EpochTiming {
  seconds: number;
  images: number;
  trainLoss: number;
  rssMB: number;
  /**
   * Fovea's live memory after the epoch (`liveMB`): what a leak would grow. RSS also holds the
   * garbage of the last steps and what the C allocator keeps of freed arrays, which varies from
   * run to run.
   */
  liveMB?: number;
}

export interface PeerLenet {
  threads: number;
  /** The epochs run: at least two, so that a warm one is compared (see `warmEpoch`). */
  epochs: EpochTiming[];
  /** Median ms per step, by batch size. */
  steps: { batch: number; ms: number }[];
}

export interface LenetReport {
  data: string;
  images: number;
  fovea: PeerLenet[];
  torch: PeerLenet[] | null;
  /** Why the PyTorch rows are missing, when they are. */
  torchNote: string | null;
  torchVersion: string | null;
}

/**
 * LeNet's layers: d2l's (sigmoid, average pooling) by default, or the ReLU and max-pooling
 * variant (training.ts, against TensorFlow.js). Parameters keep their default initialisation.
 */
export function lenetLayers(variant: 'd2l' | 'relu-max' = 'd2l'): Sequential {
  const activation = () => (variant === 'd2l' ? new Sigmoid() : new ReLU());
  const pool = () => (variant === 'd2l' ? new AvgPool2d(2, { stride: 2 }) : new MaxPool2d(2));
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    activation(),
    pool(),
    new Conv2d(6, 16, 5),
    activation(),
    pool(),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    activation(),
    new Linear(120, 84),
    activation(),
    new Linear(84, 10),
  );
}

/** d2l's LeNet with its Xavier-uniform initialisation (also timed step by step by lenet/lenet-step.ts). */
export function lenet(): Sequential {
  const net = lenetLayers('d2l');
  net.apply((m: Module) => {
    if (m instanceof Linear || m instanceof Conv2d) init.xavierUniform_(m.weight);
  });
  return net;
}

/** The full set when it is installed or named (FASHION_MNIST_DIR), else the examples' subset. */
export function dataDir(): { dir: string; note: string } {
  const named = process.env.FASHION_MNIST_DIR;
  if (named !== undefined && named !== '') return { dir: named, note: `${named} (FASHION_MNIST_DIR)` };
  if (existsSync(DEBIAN_DIR))
    return { dir: DEBIAN_DIR, note: `${DEBIAN_DIR} (Debian's dataset-fashion-mnist)` };
  return {
    dir: SUBSET_DIR,
    note: `the examples' embedded subset ${SUBSET_DIR} (install dataset-fashion-mnist for the full set)`,
  };
}

/**
 * The resident set as a user sees it after an epoch, garbage not yet collected included. No
 * collection is forced for the reading: after a forced full collection V8 sizes its old
 * generation to the small heap it found and collected it in full about once a step in the next
 * epoch, against once an epoch without (LeNet on 2 threads: 6.6 against 5.3 s an epoch), which
 * a training loop that never calls gc() would not see.
 */
function rssMB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

/**
 * The JavaScript heap and the ArrayBuffers in use after a full garbage collection (the bench
 * runs with --expose-gc; without it, undefined). Measured after `rssMB`, so that the collection
 * does not lower the epoch's RSS.
 */
function liveMB(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  // The second collection waits for the first one's sweeping of ArrayBuffers, which runs on a
  // helper thread: after one, ArrayBuffers read up to 40 MB high now and then (99 against 59).
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 2 ** 20;
}

export function foveaEpochs(
  train: FashionMNIST,
  count: number,
  onEpoch: (e: EpochTiming) => void,
): EpochTiming[] {
  manualSeed(0);
  const net = lenet();
  const optimizer = new SGD(net.parameters(), { lr: LR });
  const lossFn = new CrossEntropyLoss();
  const loader = new DataLoader(train, { batchSize: BATCH, shuffle: true, generator: new Generator(0) });
  const out: EpochTiming[] = [];
  for (let e = 0; e < count; e++) {
    net.train();
    let total = 0;
    let seen = 0;
    const start = performance.now();
    for (const [X, y] of loader as Iterable<[Tensor, Tensor]>) {
      optimizer.zeroGrad();
      const loss = lossFn.forward(net.forward(X) as Tensor, y);
      loss.backward();
      optimizer.step();
      total += (loss.item() as number) * y.shape[0];
      seen += y.shape[0];
    }
    const epoch = {
      seconds: (performance.now() - start) / 1000,
      images: seen,
      trainLoss: total / seen,
      rssMB: rssMB(),
      liveMB: liveMB(),
    };
    out.push(epoch);
    onEpoch(epoch);
  }
  return out;
}

export function foveaSteps(
  train: FashionMNIST,
  reps: number,
  batches: readonly number[] = STEP_BATCHES,
): { batch: number; ms: number }[] {
  manualSeed(0);
  const net = lenet();
  const optimizer = new SGD(net.parameters(), { lr: LR });
  const lossFn = new CrossEntropyLoss();
  const out: { batch: number; ms: number }[] = [];
  for (const batch of batches) {
    const n = Math.min(batch, train.length);
    const loader = new DataLoader(train, { batchSize: n });
    const [X, y] = loader[Symbol.iterator]().next().value as [Tensor, Tensor];
    const step = () => {
      optimizer.zeroGrad();
      const loss = lossFn.forward(net.forward(X) as Tensor, y);
      loss.backward();
      optimizer.step();
      loss.item();
    };
    // V8 compiles the small-batch paths only after many calls, so both peers warm up for at
    // least two steps and WARM_UP_SECONDS before timing (each phase runs in a fresh process).
    const warmStart = performance.now();
    for (let w = 0; w < 2 || performance.now() - warmStart < 1000 * WARM_UP_SECONDS; w++) step();
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const start = performance.now();
      let count = 0;
      do {
        step();
        count++;
      } while (performance.now() - start < 1000 * REP_SECONDS);
      times.push((performance.now() - start) / count);
    }
    out.push({ batch: n, ms: median(times) });
  }
  return out;
}

/** Why PyTorch cannot run here, or null when `/usr/bin/python3 -c 'import torch'` works. */
export function torchMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    return `skipped: ${PYTHON} -c 'import torch' fails (run tooling/scripts/torch/install-torch.sh for Debian's python3-torch)`;
  }
  return null;
}

export function torchRun(dir: string, threads: number, args: string[]): Record<string, unknown> {
  const run = spawnSync(PYTHON, [TORCH_SCRIPT, '--data', dir, '--threads', String(threads), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0)
    throw new Error(`lenet_torch.py ${args.join(' ')} failed: ${run.stderr || run.error}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/**
 * A phase of Fovea's measurement (lenet/fovea-child.ts) in a new process started as this one was
 * (tsx's loader, the source condition, --expose-gc), its progress lines passed through.
 */
function foveaRun(dir: string, threads: number, args: string[]): Record<string, unknown> {
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, FOVEA_CHILD, ...args, '--data', dir, '--threads', String(threads)],
    { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (run.status !== 0)
    throw new Error(`fovea-child.ts ${args.join(' ')} failed: ${run.error ?? `status ${run.status}`}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/**
 * Fovea's epochs (`epochs` of them on 1 thread, for the RSS check; one on 2 threads), and PyTorch's
 * (one per thread count), then the step times at every batch size, `reps` each.
 */
export function measureLenet(options: {
  epochs: number;
  reps: number;
  log: (line: string) => void;
}): LenetReport {
  const { dir, note } = dataDir();
  const torchNote = torchMissing();
  const report: LenetReport = {
    data: note,
    // The children read the data (lenet/fovea-child.ts); an epoch sees every image.
    images: 0,
    fovea: [],
    torch: torchNote === null ? [] : null,
    torchNote,
    torchVersion: null,
  };
  options.log(`  data: ${note}`);
  if (torchNote !== null) options.log(`  PyTorch ${torchNote}`);
  for (const threads of [1, 2]) {
    // Each phase in a process of its own, as PyTorch's: see lenet/fovea-child.ts.
    const count = threads === 1 ? Math.max(2, options.epochs) : 2;
    const epochs = foveaRun(dir, threads, ['epoch', '--epochs', String(count)]).epochs as EpochTiming[];
    report.images = epochs[0].images;
    // Each batch size in a process of its own, on both sides: after thousands of steps at batch 1
    // in the same process, V8 ran a full collection at about every step of batch 256 (140 in 150
    // steps, against 22 in a whole process that ran batch 256 alone).
    const steps = STEP_BATCHES.flatMap(
      (batch) =>
        foveaRun(dir, threads, ['steps', '--batches', String(batch), '--reps', String(options.reps)])
          .steps as { batch: number; ms: number }[],
    );
    report.fovea.push({ threads, epochs, steps });
    options.log(
      `  fovea-t${threads}: warm epoch ${warmEpoch(epochs).seconds.toFixed(1)} s, steps ${steps.map((s) => `b${s.batch} ${s.ms.toFixed(1)} ms`).join(', ')}`,
    );
    if (report.torch !== null) {
      const epoch = torchRun(dir, threads, ['epoch', '--epochs', '2']);
      const torchSteps = STEP_BATCHES.flatMap(
        (batch) =>
          torchRun(dir, threads, ['steps', '--batches', String(batch), '--reps', String(options.reps)])
            .steps as { batch: number; ms: number }[],
      );
      report.torchVersion = String(epoch.torch);
      const torchEpochs = epoch.epochs as EpochTiming[];
      report.torch.push({ threads, epochs: torchEpochs, steps: torchSteps });
      options.log(
        `  torch-t${threads}: warm epoch ${warmEpoch(torchEpochs).seconds.toFixed(1)} s, steps ${torchSteps.map((s) => `b${s.batch} ${s.ms.toFixed(1)} ms`).join(', ')}`,
      );
    }
  }
  return report;
}

/**
 * The epoch compared between peers: the one of median time among those after the first (the
 * first pays for compiling, JIT warm-up and first allocations on both sides).
 */
export function warmEpoch(epochs: readonly EpochTiming[]): EpochTiming {
  const warm = epochs.length > 1 ? epochs.slice(1) : [...epochs];
  return [...warm].sort((a, b) => a.seconds - b.seconds)[(warm.length - 1) >> 1];
}

/** Memory at the start and the end of training, and the growth between them. */
export interface MemoryGrowth {
  /** MB: the median of the first third of the epochs after the first. */
  readonly from: number;
  /** MB: the median of the last third. */
  readonly to: number;
  /** `to / from - 1`. */
  readonly growth: number;
  /** The epochs (numbered from 1) of each third, for the report: `[2, 4]` and `[8, 10]`. */
  readonly fromEpochs: readonly [number, number];
  readonly toEpochs: readonly [number, number];
}

/**
 * How much RSS (or the live memory) grew on 1 thread: the median of the last third of the
 * epochs after the first against that of their first third; null below 4 epochs. The first epoch
 * is left out, as for the times: the process mostly reaches its working size after it (in nine
 * of ten runs here RSS after it read below the median of the later epochs, 234-267 MB against
 * 258-312; the growth was in the C allocator's heap, while the live memory stayed flat). And one
 * reading is one moment of a level that moves by up to 8% from epoch to epoch with where the
 * allocator's heap ends then (one run: 256 258 276 275 266 273 273 273 283), so medians of
 * three epochs compare levels, which is what a leak moves.
 */
export function memoryGrowth(report: LenetReport, of: 'rssMB' | 'liveMB' = 'rssMB'): MemoryGrowth | null {
  const epochs = report.fovea.find((p) => p.threads === 1)?.epochs ?? [];
  const values = epochs.slice(1).map((e) => e[of]);
  if (values.length < 3 || values.some((v) => v === undefined)) return null;
  const third = Math.floor(values.length / 3);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  const from = median(values.slice(0, third) as number[]);
  const to = median(values.slice(values.length - third) as number[]);
  return {
    from,
    to,
    growth: to / from - 1,
    fromEpochs: [2, 1 + third],
    toEpochs: [epochs.length - third + 1, epochs.length],
  };
}
