import { setNumThreads } from '@fovea/tensor';
import { check } from './check.js';
import { operands } from './data.js';
import { foveaPeer } from './peers/fovea.js';
import type { Runner } from './peers/peer.js';
import { torchAvailable, torchPeer } from './peers/torch.js';
import { median, time } from './timing.js';
import { flops, PASSES, type Pass, WORKLOADS } from './workloads.js';

/**
 * Fovea's conv kernels against PyTorch CPU (python/conv_torch.py) on the workloads of PEERS.md,
 * interleaved A/B/A/B: each round times Fovea, then PyTorch, on the same operands, so that the
 * load other processes put on the machine drifts over both. Prints, per workload, pass and
 * thread count, Fovea's speed over PyTorch's: the ratio of the best times of the rounds and the
 * median of the per-round ratios. Both outputs are checked against the float64 definition first.
 *
 * With `--algorithms auto,im2col`, Fovea runs with each (its rows named by the algorithm), all
 * against the same PyTorch times: 'im2col' is what 'auto' took on W4 and W5 before Winograd;
 * 'winograd2', 'winograd4' and 'winograd6' force its 2 x 2, 4 x 4 or 6 x 6 output tiles.
 *
 * With `--clock cpu`, both sides time themselves by their process's CPU time (src/timing.ts),
 * which other processes' load moves less; it sums threads, so it is for `--threads 1`.
 *
 *   tsx --conditions=@fovea/source --expose-gc src/conv-vs-torch.ts [--only W4,W5]
 *       [--passes forward,dX] [--threads 1,2] [--rounds 5] [--algorithms auto,im2col] [--clock cpu]
 */

const args = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
}
const only = option('--only', 'W1,W2,W3,W4,W5,W6').split(',');
const passes = option('--passes', PASSES.join(',')).split(',') as Pass[];
const threadCounts = option('--threads', '1,2').split(',').map(Number);
const rounds = Number(option('--rounds', '5'));
const algorithms = option('--algorithms', 'auto').split(',') as Array<
  'auto' | 'im2col' | 'direct' | 'winograd' | 'winograd2' | 'winograd4' | 'winograd6'
>;
const clock = option('--clock', 'wall');
if (clock !== 'wall' && clock !== 'cpu')
  throw new Error(`conv-vs-torch: --clock is 'wall' or 'cpu', got '${clock}'`);
if (clock === 'cpu' && threadCounts.some((t) => t !== 1)) {
  throw new Error('conv-vs-torch: --clock cpu sums the CPU time of all threads; use it with --threads 1');
}
const repetition = { reps: 3, warmupMs: 0, minRepMs: 40, cpu: clock === 'cpu' };

async function timed(runner: Runner): Promise<number> {
  return runner.time === undefined
    ? (await time(() => runner.run(), repetition)).ms
    : (await runner.time(repetition)).ms;
}

async function main(): Promise<void> {
  if (!torchAvailable()) {
    console.log("PyTorch is missing (/usr/bin/python3 -c 'import torch' failed): nothing to compare");
    return;
  }
  console.log(
    'workload | pass | threads | algorithm | Fovea GFLOP/s | PyTorch GFLOP/s | Fovea / PyTorch (best) | (median of rounds)',
  );
  for (const w of WORKLOADS.filter((w) => only.includes(w.name))) {
    const data = operands(w);
    const batch = w.x[0];
    for (const pass of passes) {
      for (const threads of threadCounts) {
        const peers = [
          ...algorithms.map((a) => foveaPeer(threads, a === 'auto' ? undefined : a)),
          torchPeer(threads),
        ];
        const runners: Runner[] = [];
        for (const peer of peers) {
          const runner = await peer.prepare(w, pass, batch, data);
          await runner.run();
          const result = check(w, pass, batch, data, await runner.result());
          if (!result.ok) throw new Error(`${peer.name} ${w.name} ${pass}: ${result.message}`);
          await timed(runner);
          runners.push(runner);
        }
        const ms: number[][] = runners.map(() => []);
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < runners.length; i++) {
            setNumThreads(threads);
            ms[i].push(await timed(runners[i]));
          }
        }
        for (const runner of runners) runner.dispose();
        const torchMs = ms[ms.length - 1];
        const torch = Math.min(...torchMs);
        const rate = (t: number) =>
          w.callsPerSecond ? `${(1000 / t).toFixed(0)} calls/s` : (flops(w) / t / 1e6).toFixed(1);
        algorithms.forEach((algorithm, a) => {
          const fovea = Math.min(...ms[a]);
          const perRound = median(ms[a].map((f, r) => torchMs[r] / f));
          console.log(
            `${w.name} | ${pass} | ${threads} | ${algorithm} | ${rate(fovea)} | ${rate(torch)} | ` +
              `${(torch / fovea).toFixed(2)}x | ${perRound.toFixed(2)}x`,
          );
        });
      }
    }
  }
  process.exit(0);
}

await main();
