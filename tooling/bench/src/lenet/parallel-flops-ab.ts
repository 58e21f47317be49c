import { setNumThreads } from '@fovea/tensor';
import { limits } from '../../../../packages/tensor/src/kernels/wasm/limits.js';
import { median } from '../timing.js';
import { lenetStep } from './lenet-step.js';

/**
 * The d2l LeNet training step on 2 threads (or `--threads n`) with `limits.parallelFlops` (the
 * call size below which work stays on one thread; or another of kernels/wasm/limits.ts's numbers,
 * `--limit name`) at A and at B, in one process, in rounds of `--round-ms` each that alternate A/B
 * and B/A so that the machine's load drifts over both. Prints the median ms per step of each and
 * the ratio per round; for tuning that limit.
 *
 *   tsx --conditions=@fovea/source --expose-gc src/lenet/parallel-flops-ab.ts BATCH A B [--limit name] [--rounds n] [--round-ms ms] [--threads n]
 */

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
}

const args = process.argv.slice(2);
const limitAt = args.indexOf('--limit');
/** The limits that are numbers (checkResident is a switch). */
type NumericLimit = {
  [K in keyof typeof limits]: (typeof limits)[K] extends number ? K : never;
}[keyof typeof limits];
const limit = (limitAt >= 0 ? args.splice(limitAt, 2)[1] : 'parallelFlops') as NumericLimit;
if (typeof limits[limit] !== 'number') throw new Error(`parallel-flops-ab: limits has no number '${limit}'`);
const rounds = option(args, '--rounds', 20);
const roundMs = option(args, '--round-ms', 150);
setNumThreads(option(args, '--threads', 2));
const [batch, a, b] = args.map(Number);
if (args.length !== 3 || ![batch, a, b].every((v) => v >= 0)) {
  throw new Error('parallel-flops-ab: expected BATCH A B (A and B values of limits.parallelFlops)');
}
const step = lenetStep(batch);

/** Steps for `ms` with the limit at `value`; ms per step. */
function msPerStep(value: number, ms: number): number {
  limits[limit] = value;
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    step();
    steps++;
  }
  return (performance.now() - start) / steps;
}

msPerStep(a, 300);
msPerStep(b, 300);
const timesA: number[] = [];
const timesB: number[] = [];
for (let r = 0; r < rounds; r++) {
  const first = r % 2 === 0;
  if (first) timesA.push(msPerStep(a, roundMs));
  timesB.push(msPerStep(b, roundMs));
  if (!first) timesA.push(msPerStep(a, roundMs));
}
const ratios = timesA.map((t, r) => (t / timesB[r]).toFixed(2)).join(' ');
console.log(
  `batch ${batch}, ${limit}: A (${a}) ${median(timesA).toFixed(3)} ms, B (${b}) ${median(timesB).toFixed(3)} ms, A / B ${(median(timesA) / median(timesB)).toFixed(3)}; per round ${ratios}`,
);
