import { setNumThreads } from '@fovea/tensor';
import { operands } from './data.js';
import { foveaPeer } from './peers/fovea.js';
import { median } from './timing.js';
import { type Pass, WORKLOADS } from './workloads.js';

/**
 * Winograd F(2 x 2, 3 x 3) against F(4 x 4, 3 x 3) on one workload, pass and thread count:
 * single calls alternating A, B, A, B..., so the load of other processes falls on both; prints
 * the median of the per-pair speedups (F(2 x 2)'s time over F(4 x 4)'s) and each side's median ms.
 *
 *   tsx --conditions=@fovea/source src/winograd-ab.ts [--only W4,W5] [--passes forward,dX]
 *       [--threads 1,2] [--pairs 21]
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const only = option('--only', 'W4,W5').split(',');
const passes = option('--passes', 'forward,dX').split(',') as Pass[];
const threadCounts = option('--threads', '1,2').split(',').map(Number);
const pairs = Number(option('--pairs', '21'));

console.log('workload | pass | threads | F(2x2) ms | F(4x4) ms | F(2x2) / F(4x4) (median of pairs)');
for (const w of WORKLOADS.filter((w) => only.includes(w.name))) {
  const data = operands(w);
  for (const pass of passes) {
    for (const threads of threadCounts) {
      const runners = [];
      for (const choice of ['winograd2', 'winograd4'] as const) {
        const runner = await foveaPeer(threads, choice).prepare(w, pass, w.x[0], data);
        await runner.run();
        runners.push(runner);
      }
      const ms: number[][] = [[], []];
      for (let r = 0; r < pairs; r++) {
        for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
          setNumThreads(threads);
          const t = performance.now();
          await runners[i].run();
          ms[i].push(performance.now() - t);
        }
      }
      const speedup = median(ms[0].map((a, r) => a / ms[1][r]));
      console.log(
        `${w.name} | ${pass} | ${threads} | ${median(ms[0]).toFixed(1)} | ${median(ms[1]).toFixed(1)} | ${speedup.toFixed(2)}x`,
      );
    }
  }
}
process.exit(0);
