import { setNumThreads } from '@fovea/tensor';
import { gemm } from '../../../../packages/tensor/src/kernels/registered/index.js';
import { randomFloats } from '../data.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../fovea-internals.js';
import { median } from '../timing.js';

/**
 * The conv and linear kernels of one d2l LeNet training step, each timed alone at the step's
 * shapes (what lenet-step.ts times together with everything else): conv1 forward and weight
 * gradient (its input needs none), conv2 forward, input and weight gradients, and the three
 * linear layers' GEMMs (forward x W^T, input gradient g W, weight gradient g^T x). Times are the
 * process's CPU time on one thread (other processes' load then counts for nothing), the clock
 * on more; the median of 7 repetitions of >= 100 ms.
 *
 *   tsx --conditions=@fovea/source --expose-gc src/lenet/lenet-layers.ts [batch ...] [--threads n]
 */

interface Layer {
  readonly name: string;
  readonly run: () => void;
}

function convLayers(batch: number): Layer[] {
  const conv = (c: number, size: number, o: number, padding: number) => {
    const out = size + 2 * padding - 4;
    const xShape = [batch, c, size, size];
    const wShape = [o, c, 5, 5];
    const gyShape = [batch, o, out, out];
    const x = randomFloats(1, batch * c * size * size);
    const w = randomFloats(2, o * c * 25);
    const gy = randomFloats(3, batch * o * out * out);
    const params = {
      stride: [1, 1],
      padding: [padding, padding, padding, padding],
      dilation: [1, 1],
      groups: 1,
    } as const;
    return {
      forward: () => void conv2dForward(x, xShape, w, wShape, null, params),
      dX: () => void conv2dBackwardInput(gy, gyShape, w, wShape, xShape, params),
      dW: () => void conv2dBackwardWeight(x, xShape, gy, gyShape, wShape, params),
    };
  };
  const conv1 = conv(1, 28, 6, 2);
  const conv2 = conv(6, 14, 16, 0);
  return [
    { name: 'conv1 forward', run: conv1.forward },
    { name: 'conv1 dW', run: conv1.dW },
    { name: 'conv2 forward', run: conv2.forward },
    { name: 'conv2 dX', run: conv2.dX },
    { name: 'conv2 dW', run: conv2.dW },
  ];
}

function linearLayers(batch: number): Layer[] {
  const layers: Layer[] = [];
  for (const [inF, outF] of [
    [400, 120],
    [120, 84],
    [84, 10],
  ]) {
    const x = randomFloats(4, batch * inF);
    const w = randomFloats(5, outF * inF);
    const g = randomFloats(6, batch * outF);
    const y = new Float32Array(batch * outF);
    const gx = new Float32Array(batch * inF);
    const gw = new Float32Array(outF * inF);
    const name = `linear ${inF}-${outF}`;
    layers.push(
      {
        name: `${name} forward`,
        run: () => gemm(false, true, batch, outF, inF, 1, x, 0, inF, w, 0, inF, 1, y, 0, outF),
      },
      {
        name: `${name} dX`,
        run: () => gemm(false, false, batch, inF, outF, 1, g, 0, outF, w, 0, inF, 0, gx, 0, inF),
      },
      {
        name: `${name} dW`,
        run: () => gemm(true, false, outF, inF, batch, 1, g, 0, outF, x, 0, inF, 0, gw, 0, inF),
      },
    );
  }
  return layers;
}

function timeMs(run: () => void, cpu: boolean): number {
  const now = cpu
    ? () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
      }
    : () => performance.now();
  const warm = now();
  let last = 0;
  while (now() - warm < 100) {
    const t = now();
    run();
    last = now() - t;
  }
  const inner = Math.max(1, Math.ceil(100 / Math.max(last, 1e-3)));
  const samples: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t = now();
    for (let i = 0; i < inner; i++) run();
    samples.push((now() - t) / inner);
  }
  return median(samples);
}

const args = process.argv.slice(2);
const threadsAt = args.indexOf('--threads');
const threads = threadsAt >= 0 ? Number(args.splice(threadsAt, 2)[1]) : 1;
const batches = args.length > 0 ? args.map(Number) : [16, 64, 256, 1024];
setNumThreads(threads);
console.log(`${threads} thread(s), ms per call (${threads === 1 ? 'CPU time' : 'clock'})`);
console.log(`| layer | ${batches.map((b) => `b${b}`).join(' | ')} |`);
const rows = new Map<string, string[]>();
const totals: string[] = [];
for (const batch of batches) {
  let total = 0;
  for (const layer of [...convLayers(batch), ...linearLayers(batch)]) {
    const ms = timeMs(layer.run, threads === 1);
    total += ms;
    rows.set(layer.name, [...(rows.get(layer.name) ?? []), ms.toFixed(3)]);
  }
  totals.push(total.toFixed(2));
}
for (const [name, values] of rows) console.log(`| ${name} | ${values.join(' | ')} |`);
console.log(`| total | ${totals.join(' | ')} |`);
