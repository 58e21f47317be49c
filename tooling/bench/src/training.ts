import { createRequire } from 'node:module';
import { CrossEntropyLoss } from '@fovea/nn';
import { manualSeed, setNumThreads, type Tensor, tensor } from '@fovea/tensor';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildSync } from 'esbuild';
import { randomFloats, toHWIO } from './data.js';
import { lenetLayers } from './lenet-fashion.js';
import { use } from './peers/tfjs.js';
import { time } from './timing.js';

/**
 * A LeNet-style training step, the same network, data, loss and SGD update in Fovea and in
 * TensorFlow.js ('cpu' backend): conv 1 -> 6 (5 x 5, padding 2), ReLU, max-pool 2, conv 6 -> 16
 * (5 x 5), ReLU, max-pool 2, then 400 -> 120 -> 84 -> 10 fully connected with ReLUs, softmax
 * cross-entropy (mean over the batch), plain SGD. Both start from the same weights, so their
 * first two losses must agree before anything is timed.
 */

const LR = 0.05;

let gradients = false;

/**
 * tfjs-core registers no gradients by itself (the @tensorflow/tfjs bundle imports
 * dist/register_all_gradients.js, which Node cannot load: its ES modules import directories).
 * Bundled with esbuild (the workspace's), it registers them in TensorFlow.js's global registry.
 */
async function registerTfjsGradients(): Promise<void> {
  if (gradients) return;
  const entry = createRequire(import.meta.url).resolve(
    '@tensorflow/tfjs-core/dist/register_all_gradients.js',
  );
  const bundle = buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
  });
  await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
  if (tf.getGradient('Conv2D') === undefined) throw new Error('TensorFlow.js gradients did not register');
  gradients = true;
}

function batchData(batch: number): { x: Float32Array; labels: Int32Array } {
  const x = randomFloats(11, batch * 28 * 28);
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = (i * 7 + 3) % 10;
  return { x, labels };
}

export interface FoveaTrainer {
  step(): number;
  readonly weights: Array<{ shape: number[]; data: Float32Array }>;
}

export function foveaTrainer(batch: number): FoveaTrainer {
  manualSeed(0);
  const net = lenetLayers('relu-max');
  const loss = new CrossEntropyLoss();
  const { x, labels } = batchData(batch);
  const input = tensor(x).reshape([batch, 1, 28, 28]);
  const target = tensor(Array.from(labels), { dtype: 'int32' });
  const params = net.parameters();
  const weights = params.map((p) => ({
    shape: [...p.shape],
    data: Float32Array.from(p.dataSync() as Float32Array),
  }));
  return {
    weights,
    step() {
      net.zeroGrad();
      const l = loss.forward(net.forward(input) as Tensor, target) as Tensor;
      l.backward();
      for (const p of params) p.data.sub_(p.grad!.mul(LR));
      return Number(l.item());
    },
  };
}

export function tfjsTrainer(batch: number, weights: FoveaTrainer['weights']): { step(): number } {
  const { x, labels } = batchData(batch);
  const input = tf.tensor4d(x, [batch, 28, 28, 1]);
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  // Fovea's parameters in order: conv1 w, b, conv2 w, b, fc1 w, b, fc2 w, b, fc3 w, b.
  const v = weights.map((w) => {
    if (w.shape.length === 4) {
      const [o, c, kh, kw] = w.shape;
      return tf.variable(tf.tensor4d(toHWIO(w.data, o, c, kh, kw), [kh, kw, c, o]), true);
    }
    return tf.variable(tf.tensor(w.data, w.shape), true);
  });
  const optimizer = tf.train.sgd(LR);
  const f = () => {
    let h = tf.conv2d(input, v[0] as tf.Variable<tf.Rank.R4>, 1, 'same');
    h = tf.maxPool(tf.relu(tf.add(h, v[1])) as tf.Tensor4D, 2, 2, 'valid');
    h = tf.conv2d(h, v[2] as tf.Variable<tf.Rank.R4>, 1, 'valid');
    h = tf.maxPool(tf.relu(tf.add(h, v[3])) as tf.Tensor4D, 2, 2, 'valid');
    // Flatten in Fovea's (PyTorch's) channel-major order.
    let z = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [batch, 400]) as tf.Tensor2D;
    z = tf.relu(tf.add(tf.matMul(z, v[4] as tf.Variable<tf.Rank.R2>, false, true), v[5])) as tf.Tensor2D;
    z = tf.relu(tf.add(tf.matMul(z, v[6] as tf.Variable<tf.Rank.R2>, false, true), v[7])) as tf.Tensor2D;
    z = tf.add(tf.matMul(z, v[8] as tf.Variable<tf.Rank.R2>, false, true), v[9]) as tf.Tensor2D;
    return tf.losses.softmaxCrossEntropy(oneHot, z) as tf.Scalar;
  };
  return {
    step() {
      const l = optimizer.minimize(f, true, v) as tf.Scalar;
      const value = l.dataSync()[0];
      l.dispose();
      return value;
    },
  };
}

export interface TrainingResult {
  readonly batch: number;
  /** Median ms per step. */
  readonly fovea: { readonly threads: number; readonly ms: number }[];
  readonly tfjsCpu: number;
  /** The first two losses of each, which must agree. */
  readonly losses: { readonly fovea: number[]; readonly tfjs: number[] };
  readonly ok: boolean;
}

export async function measureTraining(
  batch: number,
  reps: number,
  threads: number[],
): Promise<TrainingResult> {
  await use('cpu');
  await registerTfjsGradients();
  const check = tfjsTrainer(batch, foveaTrainer(batch).weights);
  const tfLosses = [check.step(), check.step()];
  let foveaLosses: number[] = [];
  const fovea: { threads: number; ms: number }[] = [];
  for (const t of threads) {
    setNumThreads(t);
    const trainer = foveaTrainer(batch);
    if (foveaLosses.length === 0) foveaLosses = [trainer.step(), trainer.step()];
    const timing = await time(() => void trainer.step(), { reps, warmupMs: 200, minRepMs: 0 });
    fovea.push({ threads: t, ms: timing.ms });
  }
  const reference = tfjsTrainer(batch, foveaTrainer(batch).weights);
  const timing = await time(() => void reference.step(), {
    reps: Math.max(5, Math.min(reps, 7)),
    warmupMs: 0,
    minRepMs: 0,
  });
  const ok = foveaLosses.every((l, i) => Math.abs(l - tfLosses[i]) <= 1e-4 * Math.max(1, Math.abs(l)));
  return { batch, fovea, tfjsCpu: timing.ms, losses: { fovea: foveaLosses, tfjs: tfLosses }, ok };
}

export interface MemoryResult {
  readonly batch: number;
  readonly steps: number;
  /** Resident set size (MB) after each hundred steps. */
  readonly rss: number[];
  readonly growth: number;
}

/** Trains for `steps` steps and samples the resident set size every hundred. */
export function measureMemory(batch: number, steps: number): MemoryResult {
  const trainer = foveaTrainer(batch);
  const gc = (globalThis as { gc?: () => void }).gc;
  const rss: number[] = [];
  for (let i = 1; i <= steps; i++) {
    trainer.step();
    if (i % 100 === 0) {
      gc?.();
      rss.push(process.memoryUsage().rss / 2 ** 20);
    }
  }
  return { batch, steps, rss, growth: rss[rss.length - 1] / rss[0] - 1 };
}
