import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { DataLoader, type Dataset, FashionMNIST } from '@fovea/data';
import { CrossEntropyLoss } from '@fovea/nn';
import { SGD } from '@fovea/optim';
import { Generator, manualSeed, setNumThreads, type Tensor, tensor } from '@fovea/tensor';
import { BATCH, dataDir, LR, lenet } from '../lenet-fashion.js';

/**
 * What a LeNet epoch costs beyond its steps: steps on fresh shuffled batches from the
 * DataLoader (as the bench's epoch runs them, `fresh`) against steps on one fixed batch (as the
 * step rows run them, `fixed`), with the item-by-item loading of before `getItems` reproduced
 * here (`oldFresh`), batches fetched beforehand (`ready`: fresh data and inputs, no loading) and
 * the loaders alone, interleaved in blocks in one process so that the machine's load drifts over
 * all. Prints wall ms per step (min and median over the blocks), the CPU ms of the main thread
 * and of the others, and the differences scaled to an epoch (235 steps).
 *
 *   tsx --conditions=@fovea/source --expose-gc src/lenet/epoch-overhead.ts [--threads n] [--rounds n] [--block n]
 *   ... --distribution   (single fixed and fresh steps: median, mean and tails, as the bench's step rows and epochs see them)
 *   ... --paired   (one step of each kind at a time, the median of neighbouring differences)
 *   ... --diagnose [--spin ms]   (also: the fixed step after a busy wait, and after dropping 256 images' buffers)
 *   ... --only loader|oldLoader|fixed|ready|fresh|oldFresh [--steps n]   (one kind only, for node --cpu-prof)
 */

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const threads = Number(option('threads', '1'));
const rounds = Number(option('rounds', '6'));
const block = Number(option('block', '40'));
const only = option('only', '');

setNumThreads(threads);
const train = FashionMNIST.fromDirectory(dataDir().dir, { split: 'train' });
manualSeed(0);
const net = lenet();
const optimizer = new SGD(net.parameters(), { lr: LR });
const lossFn = new CrossEntropyLoss();
/**
 * The samples as @fovea/data served them before `getItems`: one `get` per index, each image its
 * own tensor (a Float32Array of 784 copied once more by `tensor`), stacked by `defaultCollate`.
 */
const itemByItem: Dataset<[Tensor, number]> = {
  length: train.length,
  get: (i) => {
    const pixels = new Float32Array(784);
    for (let k = 0; k < 784; k++) pixels[k] = train.images[784 * i + k] / 255;
    return [tensor(pixels).reshape([1, 28, 28]), train.labels[i]];
  },
};

/** Full batches of shuffled epochs over `dataset`, one after another (the short last batch skipped). */
function batchesOf(dataset: Dataset<[Tensor, number]>): () => [Tensor, Tensor] {
  const loader = new DataLoader(dataset, { batchSize: BATCH, shuffle: true, generator: new Generator(0) });
  let batches = loader[Symbol.iterator]();
  return () => {
    for (;;) {
      const next = batches.next();
      if (!next.done && (next.value as [Tensor, Tensor])[1].shape[0] === BATCH)
        return next.value as [Tensor, Tensor];
      if (next.done) batches = loader[Symbol.iterator]();
    }
  };
}
const nextBatch = batchesOf(train);
const nextOldBatch = batchesOf(itemByItem);
const fixed = new DataLoader(train, { batchSize: BATCH })[Symbol.iterator]().next().value as [Tensor, Tensor];

function step([X, y]: [Tensor, Tensor]): number {
  optimizer.zeroGrad();
  const loss = lossFn.forward(net.forward(X) as Tensor, y);
  loss.backward();
  optimizer.step();
  return loss.item() as number;
}

const kinds = {
  loader: () => void nextBatch(),
  oldLoader: () => void nextOldBatch(),
  fixed: () => void step(fixed),
  fresh: () => void step(fetched(nextBatch)),
  // batches fetched beforehand, a different one each step: fresh data and fresh input tensors, no loading
  ready: () => void step(ready[readyAt++ % ready.length]),
  oldFresh: () => void step(fetched(nextOldBatch)),
  // --diagnose: what of the item-by-item loader costs a step more than its own time
  spin: () => {
    busy(SPIN_MS);
    step(fixed);
  },
  garbage: () => {
    for (let k = 0; k < BATCH; k++) new Float32Array(784);
    step(fixed);
  },
};
type Kind = keyof typeof kinds;
const ready = Array.from({ length: 16 }, () => nextBatch());
let readyAt = 0;

/** Wall ms spent fetching batches inside the fresh kinds' steps (to tell the loader's part from the step's). */
let fetchMs = 0;
function fetched(next: () => [Tensor, Tensor]): [Tensor, Tensor] {
  const start = performance.now();
  const batch = next();
  fetchMs += performance.now() - start;
  return batch;
}
/** --diagnose's busy wait, ms: about what the item-by-item loader takes per batch. */
const SPIN_MS = Number(option('spin', '3'));

/** Computes, allocating nothing, for `ms` milliseconds. */
function busy(ms: number): void {
  spinSink = 0;
  for (let i = 0; i < ms * spinPerMs; i++) spinSink += Math.sqrt(i);
}
let spinSink = 0;
/** Iterations of `busy`'s loop per ms, measured once (a fixed amount of work, whatever the load later). */
const spinPerMs = (() => {
  // the loop timed once it is compiled, at the fastest of a few tries
  let best = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    const n = 2e6;
    const start = performance.now();
    for (let i = 0; i < n; i++) spinSink += Math.sqrt(i);
    best = Math.max(best, n / (performance.now() - start));
  }
  return best;
})();

/** CPU ms of this process's main thread and of all its other threads (Linux's /proc; else all as main). */
function threadCpu(): { main: number; others: number } {
  if (!existsSync('/proc/self/task')) {
    const { user, system } = process.cpuUsage();
    return { main: (user + system) / 1000, others: 0 };
  }
  let main = 0;
  let others = 0;
  for (const task of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
    } catch {
      continue; // a thread that ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
    if (Number(task) === process.pid) main += ms;
    else others += ms;
  }
  return { main, others };
}
const TICKS = 100; // USER_HZ, the unit of /proc's utime and stime

function timed(run: () => void, count: number): { wall: number; cpu: number; main: number; others: number } {
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpu();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) run();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const threads1 = threadCpu();
  return {
    wall,
    cpu: (cpu.user + cpu.system) / 1000,
    main: threads1.main - threads0.main,
    others: threads1.others - threads0.others,
  };
}

if (only !== '') {
  const run = kinds[only as keyof typeof kinds];
  if (run === undefined)
    throw new Error(`epoch-overhead: --only takes one of ${Object.keys(kinds).join(', ')}, got ${only}`);
  const steps = Number(option('steps', '235'));
  timed(run, 20);
  const { wall, cpu } = timed(run, steps);
  console.log(`${only}: ${(wall / steps).toFixed(2)} ms per step (cpu ${(cpu / steps).toFixed(2)} ms)`);
  process.exit(0);
}

const names = (Object.keys(kinds) as Kind[]).filter(
  (k) => args.includes('--diagnose') || (k !== 'spin' && k !== 'garbage'),
);
if (args.includes('--distribution')) {
  // The bench's step rows are the median of single steps; an epoch is their sum, so its mean.
  for (const name of ['fixed', 'fresh'] as const) {
    timed(kinds[name], 10);
    const times: number[] = [];
    for (let r = 0; r < rounds * block; r++) times.push(timed(kinds[name], 1).wall);
    const sorted = [...times].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(
      `threads ${threads}, ${name} step: median ${at(0.5)}, mean ${mean.toFixed(2)}, p10 ${at(0.1)}, p90 ${at(0.9)}, max ${at(1)} ms (${times.length} steps); mean x 235 = ${((mean * 235) / 1000).toFixed(2)} s, median x 235 = ${((Number(at(0.5)) * 235) / 1000).toFixed(2)} s`,
    );
  }
  process.exit(0);
}
if (args.includes('--paired')) {
  // One step of each kind after another, the order rotating, many times: the median of the
  // differences between neighbouring steps cancels the load that drifts over seconds.
  const order: Kind[] = ['fixed', 'ready', 'fresh', 'oldFresh'];
  if (args.includes('--diagnose')) order.push('spin', 'garbage');
  for (const name of order) timed(kinds[name], 10);
  const diffs = Object.fromEntries(order.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
  const steps = rounds * block;
  for (let r = 0; r < steps; r++) {
    const wall = {} as Record<Kind, number>;
    for (let j = 0; j < order.length; j++) {
      const name = order[(r + j) % order.length];
      wall[name] = timed(kinds[name], 1).wall;
    }
    for (const name of order) diffs[name].push(wall[name] - wall.fixed);
  }
  const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  if (order.includes('spin'))
    console.log(`  (spin: ${SPIN_MS} ms of square roots, ${spinPerMs.toFixed(0)} per ms; sum ${spinSink})`);
  console.log(`threads ${threads}, ${steps} rounds of one step of each kind, paired`);
  for (const name of order.slice(1)) {
    const d = middle(diffs[name]);
    console.log(
      `  ${name} - fixed: median ${d.toFixed(2)} ms/step = ${((d * 235) / 1000).toFixed(2)} s per epoch of 235 steps`,
    );
  }
  process.exit(0);
}
for (const name of names) timed(kinds[name], 10); // warm-up
const walls = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
const fetchWalls = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
const cpus = Object.fromEntries(names.map((k) => [k, { main: 0, others: 0 }])) as Record<
  Kind,
  { main: number; others: number }
>;
for (let r = 0; r < rounds; r++) {
  for (const name of names) {
    fetchMs = 0;
    const { wall, main, others } = timed(kinds[name], block);
    walls[name].push(wall / block);
    fetchWalls[name].push(fetchMs / block);
    cpus[name].main += main / rounds / block;
    cpus[name].others += others / rounds / block;
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const min = (xs: number[]) => Math.min(...xs);
const ms = (x: number) => x.toFixed(2).padStart(7);
console.log(`threads ${threads}, ${rounds} rounds of ${block} steps of each kind, interleaved; ms per step`);
console.log('  kind       wall min  median    cpu: main  others   fetching in the step: min  median');
for (const name of names) {
  const fetching = name === 'fresh' || name === 'oldFresh';
  console.log(
    `  ${name.padEnd(9)} ${ms(min(walls[name]))} ${ms(median(walls[name]))}  ${ms(cpus[name].main)} ${ms(cpus[name].others)}${fetching ? `                       ${ms(min(fetchWalls[name]))} ${ms(median(fetchWalls[name]))}` : ''}`,
  );
}
const epoch = (x: number) => `${ms(x)} ms/step = ${((x * 235) / 1000).toFixed(2)} s per epoch of 235 steps`;
for (const fresh of ['oldFresh', 'fresh'] as const) {
  console.log(`  ${fresh} - fixed: median ${epoch(median(walls[fresh]) - median(walls.fixed))}`);
  console.log(`  ${' '.repeat(fresh.length)}          min    ${epoch(min(walls[fresh]) - min(walls.fixed))}`);
}
