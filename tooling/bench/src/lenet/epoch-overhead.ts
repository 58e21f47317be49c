import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { DataLoader, type Dataset, FashionMNIST } from '@fovea/data';
import { CrossEntropyLoss } from '@fovea/nn';
import { SGD } from '@fovea/optim';
import { Generator, manualSeed, setNumThreads, type Tensor, tensor } from '@fovea/tensor';
import { BATCH, dataDir, LR, lenet } from '../lenet-fashion.js';

/**
 * What a LeNet epoch costs beyond its steps: steps on fresh shuffled batches from the
 * DataLoader (as the bench's epoch runs them) against steps on one fixed batch, interleaved in
 * blocks in one process so that the machine's load drifts over both. Prints ms per step of each,
 * the loader alone, and the difference scaled to an epoch (235 steps).
 *
 *   tsx --conditions=@fovea/source --expose-gc src/lenet/epoch-overhead.ts [--threads n] [--rounds n] [--block n]
 *   ... --only loader|oldLoader|fixed|fresh|oldFresh [--steps n]   (one kind only, for node --cpu-prof)
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
  fresh: () => void step(nextBatch()),
  oldFresh: () => void step(nextOldBatch()),
};
type Kind = keyof typeof kinds;

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

for (const run of Object.values(kinds)) timed(run, 10); // warm-up
const names = Object.keys(kinds) as Kind[];
const walls = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
const cpus = Object.fromEntries(names.map((k) => [k, { main: 0, others: 0 }])) as Record<
  Kind,
  { main: number; others: number }
>;
for (let r = 0; r < rounds; r++) {
  for (const name of names) {
    const { wall, main, others } = timed(kinds[name], block);
    walls[name].push(wall / block);
    cpus[name].main += main / rounds / block;
    cpus[name].others += others / rounds / block;
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const min = (xs: number[]) => Math.min(...xs);
const ms = (x: number) => x.toFixed(2).padStart(7);
console.log(`threads ${threads}, ${rounds} rounds of ${block} steps of each kind, interleaved; ms per step`);
console.log('  kind       wall min  median    cpu: main  others');
for (const name of names) {
  console.log(
    `  ${name.padEnd(9)} ${ms(min(walls[name]))} ${ms(median(walls[name]))}  ${ms(cpus[name].main)} ${ms(cpus[name].others)}`,
  );
}
const epoch = (x: number) => `${ms(x)} ms/step = ${((x * 235) / 1000).toFixed(2)} s per epoch of 235 steps`;
for (const fresh of ['oldFresh', 'fresh'] as const) {
  console.log(`  ${fresh} - fixed: median ${epoch(median(walls[fresh]) - median(walls.fixed))}`);
  console.log(`  ${' '.repeat(fresh.length)}          min    ${epoch(min(walls[fresh]) - min(walls.fixed))}`);
}
