import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CrossEntropyLoss } from '@fovea/nn';
import { SGD } from '@fovea/optim';
import { manualSeed, setNumThreads, type Tensor, tensor } from '@fovea/tensor';
import { randomFloats } from '../data.js';
import { lenet } from '../lenet-fashion.js';
import { time } from '../timing.js';

/**
 * d2l's LeNet (sigmoid, average pooling) trained one step at a time on 28 x 28 inputs: Fovea
 * against PyTorch (lenet-step.py, run with Debian's /usr/bin/python3) on the same number of
 * threads (1 unless `--threads n`), interleaved A/B/A/B so that the machine's load drifts over
 * both. Prints the median ms per step and the ratio Fovea / PyTorch for each batch.
 *
 *   tsx --conditions=@fovea/source --expose-gc src/lenet/lenet-step.ts [batch ...] [--rounds n] [--threads n]
 *   tsx --conditions=@fovea/source src/lenet/lenet-step.ts --profile 256 (steps only, for --cpu-prof)
 */

const LR = 0.9;

export function lenetStep(batch: number): () => number {
  manualSeed(0);
  const net = lenet();
  const loss = new CrossEntropyLoss();
  const input = tensor(randomFloats(11, batch * 28 * 28)).reshape([batch, 1, 28, 28]);
  const target = tensor(
    Array.from({ length: batch }, (_, i) => (i * 7 + 3) % 10),
    { dtype: 'int32' },
  );
  const optimizer = new SGD(net.parameters(), { lr: LR });
  return () => {
    optimizer.zeroGrad();
    const l = loss.forward(net.forward(input) as Tensor, target) as Tensor;
    l.backward();
    optimizer.step();
    return Number(l.item());
  };
}

const OPTIONS = { reps: 7, warmupMs: 300, minRepMs: 200 };

async function foveaMs(batch: number): Promise<number> {
  const step = lenetStep(batch);
  return (
    await time(() => {
      step();
    }, OPTIONS)
  ).ms;
}

function pytorchMs(batch: number, threads: number): number {
  const script = fileURLToPath(new URL('./lenet-step.py', import.meta.url));
  const run = spawnSync('/usr/bin/python3', [script, String(batch), String(threads)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`lenet-step.py failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const threadsAt = args.indexOf('--threads');
  const threads = threadsAt >= 0 ? Number(args.splice(threadsAt, 2)[1]) : 1;
  setNumThreads(threads);
  if (args[0] === '--profile') {
    const step = lenetStep(Number(args[1] ?? 256));
    const end = performance.now() + Number(args[2] ?? 8000);
    while (performance.now() < end) step();
    return;
  }
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 2;
  const batches = args.length > 0 ? args.map(Number) : [1, 16, 64, 256];
  console.log(`${threads} thread(s): batch | Fovea ms | PyTorch ms | Fovea / PyTorch (per round)`);
  for (const batch of batches) {
    const ratios: string[] = [];
    const f: number[] = [];
    const p: number[] = [];
    for (let r = 0; r < rounds; r++) {
      f.push(await foveaMs(batch));
      p.push(pytorchMs(batch, threads));
      ratios.push((f[r] / p[r]).toFixed(2));
    }
    const best = (v: number[]) => Math.min(...v).toFixed(2);
    console.log(`${batch} | ${best(f)} | ${best(p)} | ${ratios.join(' ')}`);
  }
}

await main();
