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
 * both. Prints the median ms per step and the ratio Fovea / PyTorch for each batch. `--cpu`
 * times by the process's CPU time instead of the clock (one thread only): on a machine loaded by
 * other work, time a process spends waiting for a core then counts for neither side.
 *
 *   tsx --conditions=@fovea/source --expose-gc src/lenet/lenet-step.ts [batch ...] [--rounds n] [--threads n] [--cpu]
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

async function foveaMs(batch: number, cpu: boolean): Promise<number> {
  const step = lenetStep(batch);
  if (cpu) return cpuMs(step);
  return (
    await time(() => {
      step();
    }, OPTIONS)
  ).ms;
}

/** timing.ts's method (warm-up, median of 7 repetitions of >= 200 ms) on the process's CPU time. */
function cpuMs(step: () => unknown): number {
  const used = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const start = used();
  let last = 0;
  while (used() - start < OPTIONS.warmupMs) {
    const t = used();
    step();
    last = used() - t;
  }
  const inner = Math.max(1, Math.ceil(OPTIONS.minRepMs / Math.max(last, 1e-3)));
  const samples: number[] = [];
  for (let r = 0; r < OPTIONS.reps; r++) {
    const t = used();
    for (let i = 0; i < inner; i++) step();
    samples.push((used() - t) / inner);
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1];
}

function pytorchMs(batch: number, threads: number, cpu: boolean): number {
  const script = fileURLToPath(new URL('./lenet-step.py', import.meta.url));
  const args = [script, String(batch), String(threads), ...(cpu ? ['cpu'] : [])];
  const run = spawnSync('/usr/bin/python3', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`lenet-step.py failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const threadsAt = args.indexOf('--threads');
  const threads = threadsAt >= 0 ? Number(args.splice(threadsAt, 2)[1]) : 1;
  const cpuAt = args.indexOf('--cpu');
  const cpu = cpuAt >= 0;
  if (cpu) args.splice(cpuAt, 1);
  if (cpu && threads !== 1) throw new Error('lenet-step: --cpu times one thread only');
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
  console.log(
    `${threads} thread(s)${cpu ? ', CPU time' : ''}: batch | Fovea ms | PyTorch ms | Fovea / PyTorch (per round)`,
  );
  for (const batch of batches) {
    const ratios: string[] = [];
    const f: number[] = [];
    const p: number[] = [];
    for (let r = 0; r < rounds; r++) {
      f.push(await foveaMs(batch, cpu));
      p.push(pytorchMs(batch, threads, cpu));
      ratios.push((f[r] / p[r]).toFixed(2));
    }
    const best = (v: number[]) => Math.min(...v).toFixed(2);
    console.log(`${batch} | ${best(f)} | ${best(p)} | ${ratios.join(' ')}`);
  }
}

// Run as a script (parallel-flops-ab.ts imports lenetStep).
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
